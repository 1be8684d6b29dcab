"""The model of the assembly: templates resolved into accounts, principals and policies."""
