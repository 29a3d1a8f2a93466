"""The default theme: a folder of articles builds with the templates and static files newsgen ships."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, SEED, tree_bytes, write_tree
from newsgen.cli import main
from newsgen.config import THEME, load_config


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with nothing but seeds/ in it; cwd is set to it."""
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


def test_the_shipped_theme_is_the_projects():
    assert tree_bytes(THEME / "templates") == tree_bytes(PROJECT / "templates")
    assert tree_bytes(THEME / "static") == tree_bytes(PROJECT / "static")


def test_a_folder_of_articles_builds_with_the_shipped_theme(bare: Path, tmp_path_factory: pytest.TempPathFactory):
    config = load_config()
    assert (config.templates_dir, config.static_dir) == (THEME / "templates", THEME / "static")
    code, out, err = run("build", "--now", "2026-03-01")
    assert (code, err) == (0, ""), err
    assert out.startswith("newsgen: 1 articles, ")
    # the same articles in a project with its own copy of the theme: the same site
    own = tmp_path_factory.mktemp("own")
    for folder in ("seeds", "templates", "static"):
        shutil.copytree((bare if folder == "seeds" else PROJECT) / folder, own / folder)
    assert main(["build", "--now", "2026-03-01", "--config", str(write_tree(own, {"newsgen.yaml": ""}) / "newsgen.yaml")],
                out=io.StringIO(), err=io.StringIO()) == 0
    assert tree_bytes(bare / "build") == tree_bytes(own / "build")


def test_a_projects_own_folders_and_named_folders_are_kept(bare: Path):
    write_tree(bare, {"templates/x.html": "x"})
    assert load_config().templates_dir == bare / "templates"
    assert load_config().static_dir == THEME / "static"
    write_tree(bare, {"newsgen.yaml": "static_dir: mine\n"})  # named but missing: never swapped
    assert load_config().static_dir == bare / "mine"


def test_a_named_templates_folder_that_is_missing_fails_as_a_users_error(bare: Path):
    write_tree(bare, {"newsgen.yaml": "templates_dir: theme\n"})
    code, _, err = run("build")
    assert code == 1 and "theme/article.html: template not found" in err and "internal error" not in err


def source_tree(tmp_path: Path) -> Path:
    """What a clone holds that setuptools reads."""
    tree = tmp_path / "src-tree"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT / name, tree / name)
    for folder in ("src", "templates", "static"):
        shutil.copytree(PROJECT / folder, tree / folder, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return tree


def setuptools_build_py(tree: Path, *options: str) -> None:
    done = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
                           *options], cwd=tree, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_package_carries_the_theme(tmp_path: Path):
    """A plain `pip install newsgen` (not editable) must have the theme too: it is package data.
    setuptools' build_py makes the tree a wheel is zipped from, without fetching anything."""
    setuptools_build_py(source_tree(tmp_path), "--build-lib", str(tmp_path / "lib"))
    theme = tmp_path / "lib/newsgen/theme"
    assert not (theme / "templates").is_symlink()  # copies, not links back into the source tree
    assert tree_bytes(theme / "templates") == tree_bytes(PROJECT / "templates")
    assert tree_bytes(theme / "static") == tree_bytes(PROJECT / "static")


def test_packaging_keeps_out_of_the_output_folder(tmp_path: Path):
    """build/ is newsgen's output: `pip install .` or `pip wheel .` in a project must not put
    setuptools' build/lib there (pyproject.toml moves setuptools' scratch folder)."""
    tree = source_tree(tmp_path)
    setuptools_build_py(tree)
    assert (tree / ".setuptools-build/lib/newsgen/theme/templates/article.html").is_file()
    assert not (tree / "build").exists()
