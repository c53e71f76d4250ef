from pathlib import Path

from helpers import REPO
from qareport.demo import DEMO_AREAS, write_demo


def test_shipped_demo_is_exactly_what_the_generator_writes(tmp_path: Path):
    write_demo(tmp_path)
    for path in sorted(tmp_path.rglob("*.*")):
        relative = path.relative_to(tmp_path)
        assert path.read_bytes() == (REPO / relative).read_bytes(), relative
    assert len(DEMO_AREAS) >= 12
