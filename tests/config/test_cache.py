"""The cache folder keeps an answer only while every file it was made from is unchanged,
and a damaged or missing cache only costs the time to make the answer again."""

from __future__ import annotations

import os

from qareport.config.cache import cache_dir, kept
from qareport.config.project import Project


def test_an_answer_is_made_again_when_a_file_it_read_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = tmp_path / "source.txt"
    source.write_text("one")
    made = []

    def make() -> str:
        made.append(source.read_text())
        return source.read_text()

    assert kept("test", "key", make, lambda _: [str(source)]) == "one"
    assert kept("test", "key", make, lambda _: [str(source)]) == "one"
    assert made == ["one"]
    source.write_text("three")  # another size: changed
    assert kept("test", "key", make, lambda _: [str(source)]) == "three"
    for path in cache_dir("test").iterdir():
        path.write_bytes(b"not a pickle")
    assert kept("test", "key", make, lambda _: [str(source)]) == "three"
    assert made == ["one", "three", "three"]


def test_a_catalogue_file_included_by_another_is_read_again_when_it_changes(tmp_path, monkeypatch):
    """The cached catalogue is checked against every file it read, includes too."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "book"
    (root / "parameters").mkdir(parents=True)
    (root / "parameters" / "defaults.yml").write_text("title: T\ncatalogues: [local.yml]\n")
    (root / "local.yml").write_text("catalogue: local\ntitle: Local\ninclude: [extra.yml]\n")
    extra = root / "extra.yml"
    measure = (
        "catalogue: extra\ntitle: Extra\ninclude: [core]\nmeasures:\n  - {{id: {id}, title: X, "
        "type: quantity, source: management-information, unit: count, polarity: no-direction, "
        "numerator: X}}\n"
    )
    extra.write_text(measure.format(id="first-extra"))
    assert "first-extra" in Project.open(root).catalogue.measures  # and kept in the cache
    extra.write_text(measure.format(id="second-extra-measure"))
    os.utime(extra, ns=(extra.stat().st_atime_ns, extra.stat().st_mtime_ns + 10**9))
    from qareport.config import project as project_module

    project_module._cached_catalogue.cache_clear()  # as a new process would start
    fresh = Project.open(root).catalogue.measures
    assert "second-extra-measure" in fresh and "first-extra" not in fresh
