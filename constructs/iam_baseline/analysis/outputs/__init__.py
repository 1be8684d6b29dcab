"""What a check run writes: the access report."""
