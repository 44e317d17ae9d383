"""Issue 25: `piflow diff FILE --rev REV` against what git and a user can put in its way.

Each case sets up a repository (or none), names the file and the revision, and says the exit code and
what the message must hold.  A revision is user text handed to git: it is never an option, never a shell
word, and nothing git can be asked to write is written.  Never a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import MINIMAL
from hostile.common import located, run

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

V2 = MINIMAL.replace("text: 提供", "text: 提供（変更）")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.invalid", "-c", "user.name=t",
                           "-c", "init.defaultBranch=main", *args],
                          check=True, capture_output=True, text=True).stdout.strip()


def commit(repo: Path, name: str, text: str | bytes, message: str) -> None:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    git(repo, "add", "--", name)
    git(repo, "commit", "-qm", message)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """f.yaml in two versions (tag v1 on the first, annotated tag v2 on the second), then a third commit
    that adds new.yaml, then one that deletes gone.yaml; the working copy of f.yaml edited again."""
    repo = tmp_path_factory.mktemp("history") / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    commit(repo, "f.yaml", MINIMAL, "v1")
    commit(repo, "gone.yaml", MINIMAL, "gone")
    git(repo, "tag", "v1")
    commit(repo, "f.yaml", V2, "v2")
    git(repo, "tag", "-a", "v2", "-m", "second")
    git(repo, "branch", "release")
    commit(repo, "new.yaml", MINIMAL, "add new.yaml")
    commit(repo, "my flows/資料 1.yaml", MINIMAL, "a name with spaces")
    commit(repo, "sub/dir/deep.yaml", MINIMAL, "deep")
    commit(repo, "sjis.yaml", MINIMAL.encode("cp932"), "shift_jis")
    commit(repo, "broken.yaml", MINIMAL.replace("piflow: 1", "piflow: [1"), "broken")
    commit(repo, "bidi.yaml", MINIMAL.replace("text: 抽出", "text: 抽\u202e出"), "bidi")
    commit(repo, "big.yaml", "# " + "x" * (1024 * 1024) + "\n" + MINIMAL, "big")
    git(repo, "rm", "-q", "gone.yaml")
    git(repo, "commit", "-qm", "delete gone.yaml")
    for name in ("sjis.yaml", "broken.yaml", "bidi.yaml", "big.yaml"):
        (repo / name).write_text(MINIMAL, encoding="utf-8")
    (repo / "f.yaml").write_text(V2.replace("抽出", "抽出（今）"), encoding="utf-8")
    (repo / "untracked.yaml").write_text(MINIMAL, encoding="utf-8")
    (repo / "link.yaml").symlink_to("f.yaml")
    return repo


# name: (file relative to the repository, revision, exit codes, what the output holds, environment)
CASES = {
    "HEAD": ("f.yaml", "HEAD", (0, 1), "@HEAD", None),
    "the parent of HEAD": ("f.yaml", "HEAD~1", (0, 1), "@HEAD~1", None),
    "a lightweight tag": ("f.yaml", "v1", (0, 1), "変更", None),
    "an annotated tag": ("f.yaml", "v2", (0, 1), "@v2", None),
    "a branch": ("f.yaml", "release", (0, 1), "@release", None),
    "@ for HEAD": ("f.yaml", "@", (0, 1), "@@", None),
    "a reflog entry": ("f.yaml", "HEAD@{1}", (0, 1), "HEAD@{1}", None),
    "a revision that does not exist": ("f.yaml", "no-such-branch", (2,), "見つかりません", None),
    "past the first commit": ("f.yaml", "HEAD~99", (2,), "見つかりません", None),
    "a commit before the file existed": ("new.yaml", "v1", (2,), "P001", None),
    "a file deleted since": ("gone.yaml", "v1", (2,), "P001", None),
    "a file deleted at that revision": ("gone.yaml", "HEAD", (2,), "P001", None),
    "a file never committed": ("untracked.yaml", "HEAD", (2,), "P001", None),
    "a blob over the size limit": ("big.yaml", "HEAD~1", (2,), "ファイルが大きすぎます", {"PIFLOW_MAX_SIZE": "1"}),
    "a path with spaces and Japanese": ("my flows/資料 1.yaml", "HEAD", (0,), "資料 1.yaml@HEAD", None),
    "a file in a subfolder": ("sub/dir/deep.yaml", "HEAD", (0,), "deep.yaml@HEAD", None),
    "a symbolic link to a tracked file": ("link.yaml", "HEAD", (0, 1), "@HEAD", None),
    "Shift_JIS at that revision": ("sjis.yaml", "HEAD~1", (2,), "P002", None),
    "broken YAML at that revision": ("broken.yaml", "HEAD~1", (2,), "P003", None),
    "a bidi override at that revision": ("bidi.yaml", "HEAD~1", (2,), "P003", None),
    "an option: --output=FILE": ("f.yaml", "--output={tmp}/pwned", (2,), "使えません", None),
    "an option: -p": ("f.yaml", "-p", (2,), "使えません", None),
    "an option: --end-of-options": ("f.yaml", "--end-of-options", (2,), "使えません", None),
    "an empty revision": ("f.yaml", "", (2,), "使えません", None),
    "a blank revision": ("f.yaml", " ", (2,), "使えません", None),
    "a NUL in the revision": ("f.yaml", "HEAD\x00--output=x", (2,), "使えません", None),
    "a shell command": ("f.yaml", "HEAD;touch {tmp}/pwned", (2,), "見つかりません", None),
    "a command substitution": ("f.yaml", "$(touch {tmp}/pwned)", (2,), "見つかりません", None),
    "a blob, not a commit": ("f.yaml", "HEAD:f.yaml", (2,), "見つかりません", None),
    "a tree, not a commit": ("f.yaml", "HEAD^{tree}", (2,), "見つかりません", None),
    "a range": ("f.yaml", "HEAD~1..HEAD", (2,), "見つかりません", None),
    "a revision with a line break": ("f.yaml", "HEAD\n--output=x", (2,), "", None),
    "git missing from PATH": ("f.yaml", "HEAD", (2,), "git が見つかりません", {"PATH": "/nonexistent"}),
    # a hook (pre-commit) runs with GIT_DIR=.git relative to the top: it must not send git elsewhere
    "under a git hook, a file in a subfolder": ("sub/dir/deep.yaml", "HEAD", (0,), "deep.yaml@HEAD",
                                                {"GIT_DIR": ".git", "GIT_INDEX_FILE": ".git/index"}),
    "GIT_DIR of another repository": ("f.yaml", "v1", (0, 1), "@v1", {"GIT_DIR": "/nonexistent/.git"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_diff_rev(history, tmp_path, case):
    name, rev, codes, says, env = CASES[case]
    rev = rev.replace("{tmp}", str(tmp_path))
    code, output = run(["diff", history / name, "--rev", rev], env=env)
    assert code in codes, output[-1500:]
    assert says in output, output[-1500:]
    if code == 2:
        assert located(output), output[-1500:]
    assert not (tmp_path / "pwned").exists() and not (Path.cwd() / "x").exists()


def test_a_folder_that_is_not_a_repository(tmp_path):
    (tmp_path / "f.yaml").write_text(MINIMAL, encoding="utf-8")
    code, output = run(["diff", tmp_path / "f.yaml", "--rev", "HEAD"], env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert code == 2 and "見つかりません" in output and located(output)


def test_a_shallow_clone_has_no_history_before_its_depth(history, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{history}", str(clone)], check=True)
    code, output = run(["diff", clone / "f.yaml", "--rev", "HEAD"])
    assert code in (0, 1), output
    code, output = run(["diff", clone / "f.yaml", "--rev", "HEAD~1"])
    assert code == 2 and "見つかりません" in output and located(output)


def test_a_file_that_does_not_exist_says_so(history):
    code, output = run(["diff", history / "nothing.yaml", "--rev", "HEAD"])
    assert code == 2 and "ファイルが見つかりません" in output, output
