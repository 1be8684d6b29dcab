"""The access report (``access-report.md`` / ``.html``): who can reach admin and through which
chain, failures and unproven invariants first, permission sets of an Identity Center stack in
another account, the Graphviz graph and the Markdown rendered as HTML. On the session's
default assembly (tests/fixtures/baseline.yaml: Identity Center in account 444455556666,
the baseline in 111122223333); mutated copies for the negative controls."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from iam_baseline.analysis.check import run_checks
from iam_baseline.analysis.checks.matrix import CheckResult
from iam_baseline.analysis.model.accounts import load_scopes
from iam_baseline.analysis.model.identity_center import load_identity_center
from iam_baseline.analysis.model.templates import load_account
from iam_baseline.analysis.outputs import graphviz
from iam_baseline.analysis.outputs.admin_reach import EntryKind, who_can_reach_admin
from iam_baseline.analysis.outputs.page import html_page
from iam_baseline.analysis.outputs.report import markdown, sections


def _run(out: Path, config):
    return run_checks(load_account(out, account=config.account_id), config, load_scopes(out, config),
                      load_identity_center(out))


@pytest.fixture(scope="module")
def default_run(default_assembly, default_config):
    return _run(Path(default_assembly.directory), default_config)


def _mutated_run(default_assembly, default_config, tmp_path, mutate):
    out = tmp_path / "cdk.out"
    shutil.copytree(default_assembly.directory, out)
    path = out / "AccountBaseline.template.json"
    template = json.loads(path.read_text())
    mutate(template["Resources"])
    path.write_text(json.dumps(template))
    return _run(out, default_config)


def _by_entry(run) -> dict[str, object]:
    return {c.entry: c for c in who_can_reach_admin(run)}


def test_who_can_reach_admin_lists_people_federated_principals_and_ci_identities(default_run):
    chains = _by_entry(default_run)
    # Every kind of entry but machine roles (none of the default config's reaches admin).
    assert {c.kind for c in chains.values()} == set(EntryKind) - {EntryKind.MACHINE}
    alice = chains["user:alice.admin"]
    assert alice.kind is EntryKind.PERSON and alice.declared
    assert [h.label for h in alice.hops] == ["group:Admins", "role:Admin"]
    assert "AllowAssumeOwnRolesWithMfa" in alice.hops[1].how
    person = chains["identity_center_user:alice.admin"]
    assert [h.label for h in person.hops] == ["identity_center_group:Platform Admins", "permission_set:Admin"]
    saml = chains["federated:saml-provider/ExampleIdP"]
    assert saml.kind is EntryKind.FEDERATED and [h.label for h in saml.hops] == ["role:FederatedAdmin"]
    # Neither a developer nor an auditor reaches admin.
    assert not {"user:bob.developer", "user:carol.auditor", "identity_center_user:bob.dev"} & set(chains)


def test_github_deploy_reaches_admin_through_the_cdk_deploy_role(default_run):
    ci = _by_entry(default_run)["federated:oidc-provider/token.actions.githubusercontent.com"]
    assert ci.kind is EntryKind.CI and "AdministratorAccess" in ci.admin
    assert ci.hops[0].label == "role:GitHubDeploy"
    assert "repo:example-org/infrastructure:environment:production" in ci.hops[0].how
    assert [h.node for h in ci.hops[1:]] == ["111122223333/bootstrap:deploy:hnb659fds", "111122223333/bootstrap:cfn-exec:hnb659fds"]
    assert ci.hops[1].how.startswith("cdk-deploy-role") and "AssumeCdkBootstrapRoles" in ci.hops[1].how


def test_without_the_deploy_role_grant_github_deploy_reaches_no_admin(default_assembly, default_config, tmp_path):
    def drop_deploy_role(resources):
        for resource in resources.values():
            if resource["Properties"].get("ManagedPolicyName") == "GitHubDeployPermissions":
                for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                    statement["Resource"] = [r for r in statement["Resource"] if "deploy-role" not in json.dumps(r)]

    run = _mutated_run(default_assembly, default_config, tmp_path, drop_deploy_role)
    assert "federated:oidc-provider/token.actions.githubusercontent.com" not in _by_entry(run)


def test_an_undeclared_chain_to_admin_is_flagged(default_assembly, default_config, tmp_path):
    def developers_assume_admin(resources):
        admin = next(k for k, r in resources.items()
                     if r["Type"] == "AWS::IAM::Role" and r["Properties"].get("RoleName") == "Admin")
        for resource in resources.values():
            if resource["Properties"].get("ManagedPolicyName") == "Developers-AssumeRoles":
                resource["Properties"]["PolicyDocument"]["Statement"][0]["Resource"].append({"Fn::GetAtt": [admin, "Arn"]})

    run = _mutated_run(default_assembly, default_config, tmp_path, developers_assume_admin)
    bob = _by_entry(run)["user:bob.developer"]
    assert [h.label for h in bob.hops] == ["group:Developers", "role:Admin"] and not bob.declared
    (section,) = [s for s in sections(run) if s.key == "who-can-reach-admin"]
    assert section.attention
    assert any("user:bob.developer" in line and "NOT declared" in line for line in section.lines)


def test_the_report_opens_with_who_can_reach_admin_when_every_check_passes(default_run):
    parts = sections(default_run)
    assert parts[0].key == "who-can-reach-admin" and not parts[0].attention
    text = markdown(default_run)
    assert text.index("## Who can reach admin") < text.index("## Principals")


def test_failed_checks_and_unproven_invariants_come_first(default_run):
    broken = replace(default_run, results=[
        *default_run.results,
        CheckResult("INV-EXAMPLE", "account 111122223333 role:X", "", False, "INV-EXAMPLE: not proven: solver unknown"),
        CheckResult("row-x", "role:Developer", "", False, "row-x: iam:CreateUser is allowed"),
    ])
    parts = sections(broken)
    assert [(s.key, s.attention) for s in parts[:3]] == [("failed", True), ("not-proven", True), ("who-can-reach-admin", False)]
    assert parts[0].lines == ("- **row-x**: row-x: iam:CreateUser is allowed",)
    assert "2 failed (1 of them not proven)" in markdown(broken)


def test_permission_sets_of_an_identity_center_stack_in_another_account_are_in_the_report(default_run):
    # The Identity Center stack deploys to another account: the account's own model lacks them.
    assert not [p for p in default_run.model.principals.values() if p.kind == "permission_set"]
    text = markdown(default_run)
    section = text[text.index("### permission_set `Admin`"):]
    section = section[:section.index("\n### ")]
    assert "alice.admin (through Platform Admins)" in section
    assert "`arn:aws:iam::aws:policy/AdministratorAccess`" in section or "AdministratorAccess" in section


def test_the_html_page_renders_the_markdown_and_the_graphviz_graph(default_run):
    page = html_page(default_run, sections(default_run))
    assert "<pre>" not in page and "## " not in page  # rendered, not pasted
    assert '<section id="who-can-reach-admin">' in page and "<table>" in page and "<h3>" in page
    svg = page[page.index('<section id="graph">'):]
    assert "<svg" in svg and "Generated by graphviz" not in svg[:200]  # the element only, no XML prolog
    assert 'class="node"' in svg and "role:GitHubDeploy" in svg
    # Markup in names from the templates stays text (markdown-it-py with html disabled).
    injected = replace(default_run, results=[CheckResult("<script>x</script>", "s", "", False, "m")])
    assert "<script>" not in html_page(injected, sections(injected))


def test_the_dot_source_draws_chains_to_admin_red(default_run):
    from iam_baseline.analysis.outputs.admin_reach import analysed_model

    dot = graphviz.dot_source(default_run, analysed_model(default_run), who_can_reach_admin(default_run))
    red = [line for line in dot.splitlines() if "->" in line and "#b00000" in line]
    assert any(line.startswith('  "111122223333/role:GitHubDeploy" -> "111122223333/bootstrap:deploy:hnb659fds"')
               for line in red)
    assert not any('"111122223333/user:bob.developer" ->' in line for line in red)
    # One node per principal: an IAM user's chain starts at its graph node.
    assert not any(line.startswith('  "user:') for line in dot.splitlines())


def test_a_missing_graphviz_package_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(graphviz, "_VIZ", Path("node_modules/@viz-js/absent"))
    with pytest.raises(graphviz.GraphvizError, match="make install"):
        graphviz.render_svg("digraph { a -> b }")


def test_graphviz_refusing_the_graph_is_a_clear_error():
    with pytest.raises(graphviz.GraphvizError, match="refused"):
        graphviz.render_svg("digraph { a -> ")


# --- Rendered in headless Chromium (Debian package `chromium`; .ci/run installs it) ----------

#: The browser: ``$CHROMIUM`` if set, else the first of Debian's ``chromium``, Ubuntu's
#: ``chromium-browser`` and Google Chrome (GitHub's Ubuntu runners ship Chrome) on the PATH.
CHROMIUM = Path(
    os.environ.get("CHROMIUM")
    or next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"))), None)
    or "/usr/bin/chromium"
)
#: ``REQUIRE_BROWSER=1`` (the GitHub workflows set it) turns a missing browser into a failure
#: instead of a skip, so CI cannot silently stop rendering the report.
_REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not _REQUIRED,
    reason="Chromium is not installed (Debian package `chromium`: apt-get install chromium); "
    ".ci/run installs it and the GitHub workflows require a browser (REQUIRE_BROWSER=1)",
)


#: Appended to a copy of the page: measures what a reader sees at 1,280 x 900 and writes it
#: into the DOM that --dump-dom prints. Text boxes of the graph: none may overlap another, and
#: each node's text must lie inside its box (Graphviz sized it with its own font metrics).
_PROBE = """<script>
const rects = el => el.getBoundingClientRect();
const texts = [...document.querySelectorAll('#graph svg text')].map(rects);
let overlaps = 0;
for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
  const a = texts[i], b = texts[j];
  if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlaps++;
}
let outside = 0;
for (const node of document.querySelectorAll('#graph svg g.node')) {
  const box = rects(node.querySelector('path, polygon'));
  for (const t of node.querySelectorAll('text')) {
    const r = rects(t);
    if (r.left < box.left - 1 || r.right > box.right + 1) outside++;
  }
}
const probe = document.createElement('pre');
probe.id = 'probe';
probe.textContent = JSON.stringify({
  scrollWidth: document.documentElement.scrollWidth,
  svgWidth: document.querySelector('#graph svg') ? rects(document.querySelector('#graph svg')).width : 0,
  nodes: document.querySelectorAll('#graph svg g.node').length,
  texts: texts.length, overlaps, outside,
  sections: [...document.querySelectorAll('section[id]')].map(s => s.id),
});
document.body.appendChild(probe);
</script>"""


def _in_chromium(page: str, tmp_path: Path) -> dict:

    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "page.html"
    path.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    done = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found, f"chromium printed no probe (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@needs_chromium
def test_the_page_renders_in_chromium_and_fits_a_1280_pixel_window(default_run, tmp_path):
    seen = _in_chromium(html_page(default_run, sections(default_run)), tmp_path)
    assert seen["scrollWidth"] <= 1280
    assert 0 < seen["svgWidth"] <= 1280 and seen["nodes"] >= 20
    assert seen["overlaps"] == 0 and seen["outside"] == 0
    assert seen["sections"][:2] == ["who-can-reach-admin", "graph"]
    assert {"principals", "people", "matrix"} <= set(seen["sections"])


@needs_chromium
def test_the_chromium_probe_sees_an_overflowing_page(default_run, tmp_path):
    """Negative control: a page wider than the window, and overlapping graph labels, are seen."""
    page = html_page(default_run, sections(default_run))
    wide = page.replace("<main>", '<main><div style="width: 2000px">wide</div>', 1)
    # Every node label moved onto the first one.
    overlapping = re.sub(r'(<text[^>]*?) x="[^"]*" y="[^"]*"', r'\1 x="0" y="0"', page)
    seen = _in_chromium(wide, tmp_path)
    assert seen["scrollWidth"] > 1280
    assert _in_chromium(overlapping, tmp_path / "2")["overlaps"] > 0


def test_without_the_analysis_graph_the_report_says_who_can_reach_admin_was_not_computed(default_run):
    run = replace(default_run, graph=None)
    assert who_can_reach_admin(run) == []
    (section,) = [s for s in sections(run) if s.key == "who-can-reach-admin"]
    assert any("not computed" in line for line in section.lines) and not any(line == "- nobody" for line in section.lines)


def test_make_check_without_graphviz_says_what_to_install(default_assembly, monkeypatch, tmp_path, capsys):
    from iam_baseline.analysis.check import main
    from template_tools import DEFAULT_CONFIG_FILE

    out = tmp_path / "cdk.out"
    shutil.copytree(default_assembly.directory, out)
    monkeypatch.setattr(graphviz, "_VIZ", Path("node_modules/@viz-js/absent"))
    assert main(["--out", str(out), "--config", str(DEFAULT_CONFIG_FILE)]) == 2
    err = capsys.readouterr().err
    assert "@viz-js/viz" in err and "make install" in err and "Traceback" not in err
