"""The embedded store: one DuckDB file under output/, derived from the extracts.

Built once per batch in the parent process and then opened read-only by every
worker. It records the SHA-256 of each extract it was built from, so it is
rebuilt exactly when an extract changes and otherwise reused. Deleting it
loses nothing: it is always rebuildable from data/.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from qareport.config.catalogue import builtin_catalogue_dir
from qareport.config.periods import period_kind
from qareport.config.project import Project
from qareport.ingest.sources import ExtractIssue, extract_files

if TYPE_CHECKING:
    import pandas as pd

    from qareport.config.catalogue import Measure
    from qareport.ingest.extracts import ValidatedExtracts

__all__ = ["Store", "file_sha256", "open_built_store", "open_store", "store_is_stale"]

# an area's own rows and the joint returns it made (a joint code names its members)
AREA_ROWS = "(area_code = ? OR contains(area_code, ?))"
# 2: quarters and years made from monthly returns (`derived`); 3: issues that only warn;
# 4: each measure's rows hashed once, when the store is written (`digests`); 5: `breakdown`
SCHEMA_VERSION = "5"

# every column a sheet can read of a measure's rows, hashed into the measure's digest
DIGEST_COLUMNS = (
    *("area_code", "period", "agency", "team", "breakdown"),
    *("numerator", "denominator", "value", "marker"),
)


def file_sha256(path: Path) -> str:
    """A file's SHA-256, worked out once per process while its size and time stay the same
    (a build asks for every input's twice: is the store stale, and what was it built from)."""
    info = path.stat()
    return _sha256(str(path), info.st_ino, info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=4096)
def _sha256(path: str, inode: int, mtime_ns: int, size: int) -> str:
    del inode, mtime_ns, size  # parts of the cache key only
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_READER_LOCK = threading.Lock()
_READERS: dict[str, tuple[tuple[int, int], duckdb.DuckDBPyConnection]] = {}


def read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A cursor (one per caller and thread) on one read-only connection per store file per
    process: opening a connection costs 20 ms, and a rebuild asked the store six questions."""
    info = path.stat()
    stamp = (info.st_ino, info.st_mtime_ns)
    with _READER_LOCK:
        kept = _READERS.get(str(path))
        if kept is None or kept[0] != stamp:
            if kept is not None:  # a rebuilt store: DuckDB would hand back the old file's
                kept[1].close()  # database while a connection to that path stays open
            _READERS[str(path)] = kept = (stamp, duckdb.connect(str(path), read_only=True))
        return kept[1].cursor()


@dataclass(frozen=True)
class Store:
    """Read access to the returns table, plus the validation issues found when building it."""

    path: Path
    issues: tuple[ExtractIssue, ...]
    inputs: tuple[tuple[str, str], ...]  # (relative path, sha256), sorted

    def connect(self) -> duckdb.DuckDBPyConnection:
        return read_only(self.path)

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(sql, params or []).df()

    def fetch(self, sql: str, params: list) -> list[tuple]:
        """Rows as tuples: for the small answers a build needs without pandas."""
        with self.connect() as con:
            return con.execute(sql, params).fetchall()

    def returns(
        self, measure_ids: list[str] | None = None, periods: list[str] | None = None
    ) -> pd.DataFrame:
        """All areas' rows for these measures and periods (comparators need every area);
        None for either means all of them."""
        where, params = [], []
        for column, wanted in (("measure_id", measure_ids), ("period", periods)):
            if wanted is not None:
                where.append(f"{column} IN (SELECT UNNEST(?))")
                params.append(list(wanted))
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return self.query(
            f"SELECT * FROM returns{clause} "
            "ORDER BY area_code, measure_id, period, agency, team, breakdown",
            params,
        )

    def area_history(self, measure_ids: list[str], area_code: str) -> pd.DataFrame:
        """One area's rows for these measures in every period, with any joint return it
        made (a joint code names its members), for SPC over the whole series."""
        return self.query(
            "SELECT * FROM returns WHERE measure_id IN (SELECT UNNEST(?)) "
            f"AND {AREA_ROWS} ORDER BY area_code, measure_id, period, agency, team, breakdown",
            [measure_ids, area_code, area_code],
        )

    def has_periods_of_kind(self, area_code: str, kind: str) -> bool:
        """Whether the area returned any figure for a period of this kind (year, quarter,
        month), alone or in a joint return."""
        labels = self.fetch(
            f"SELECT DISTINCT period FROM returns WHERE {AREA_ROWS}", [area_code, area_code]
        )
        return any(period_kind(str(label)) == kind for (label,) in labels)

    def derived_periods(self, area_code: str) -> list[tuple[str, str, str]]:
        """The area's quarters and years made from its monthly returns: (measure, period,
        rule) (see ingest.months), for the provenance."""
        rows = self.fetch(
            "SELECT DISTINCT measure_id, period, derived FROM returns WHERE derived <> '' "
            f"AND {AREA_ROWS} ORDER BY period, measure_id",
            [area_code, area_code],
        )
        return [(str(m), str(p), str(d)) for m, p, d in rows]

    @cached_property
    def measure_digests(self) -> dict[str, str]:
        """A hash of each measure's rows (every area, every period, every column a sheet can
        read), worked out inside DuckDB when the store was written (see `_digest_rows`) and
        kept for every book built from it: a sheet depends on its measures' rows."""
        with self.connect() as con:
            found = con.execute("SELECT measure_id, digest FROM digests").fetchall()
        return {str(measure): str(digest) for measure, digest in found}

    def rows_digest(self, measure_ids: list[str]) -> str:
        """A hash of the rows a sheet can depend on (its measures, every area, every period)."""
        digests = self.measure_digests
        return hashlib.sha256(
            "".join(f"{m}:{digests.get(m, '')}\n" for m in measure_ids).encode()
        ).hexdigest()

    def what_has_figures(self, area_code: str) -> tuple[list[str], list[str]]:
        """The periods the area has a return for (a figure or a marker, its own or a joint
        return it made), in order, and every measure any area has a return for: one visit
        to the store for a build's two questions."""
        with self.connect() as con:
            periods = con.execute(
                f"SELECT DISTINCT period FROM returns WHERE {AREA_ROWS} ORDER BY period",
                [area_code, area_code],
            ).fetchall()
            measures = con.execute("SELECT DISTINCT measure_id FROM returns").fetchall()
        return [str(p) for (p,) in periods], [str(m) for (m,) in measures]

    def issues_for(self, area_code: str) -> list[ExtractIssue]:
        """The problems that block the area's book."""
        return [i for i in self.issues if i.area_code in (None, area_code) and not i.warning]

    def warnings_for(self, area_code: str) -> list[ExtractIssue]:
        """What the area's book says but does not stop for (an implausible percentage)."""
        return [i for i in self.issues if i.area_code == area_code and i.warning]

    def stray_rows(self) -> list[ExtractIssue]:
        """Rows for an area code no area has: left out of every book, and said so."""
        return [i for i in self.issues if i.is_stray]


def _inputs(project: Project) -> tuple[tuple[str, str], ...]:
    files = extract_files(project.data_paths(), project.root)
    parameter_files = sorted(project.parameters_dir.glob("*.yml"))
    entries = [(_relative(p, project.root), file_sha256(p)) for p in [*files, *parameter_files]]
    builtin = builtin_catalogue_dir()
    entries += [
        (
            _relative(Path(s), project.root)
            if not Path(s).is_relative_to(builtin)
            else "qareport:catalogues/" + Path(s).relative_to(builtin).as_posix(),
            file_sha256(Path(s)),
        )
        for s in project.catalogue.sources
    ]
    entries.append(("schema", SCHEMA_VERSION))
    return tuple(sorted(entries))


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _stored_inputs(path: Path) -> tuple[tuple[str, str], ...] | None:
    """What the store was built from; None when there is no store or it cannot be read
    whole. Every block is read (DuckDB checks each one's checksum), so a damaged store is
    rebuilt from the extracts rather than failing every sheet that queries it."""
    if not path.is_file():
        return None
    try:
        with read_only(path) as con:
            rows = con.execute("SELECT path, sha256 FROM inputs ORDER BY path").fetchall()
            for table in ("returns", "issues", "digests"):
                con.execute(f"SELECT bit_xor(hash(t)) FROM {table} t").fetchall()
    except duckdb.Error:
        return None
    return tuple((str(p), str(h)) for p, h in rows)


def _load_issues(path: Path) -> tuple[ExtractIssue, ...]:
    with read_only(path) as con:
        rows = con.execute(
            "SELECT file, row, column_name, message, area_code, warning FROM issues ORDER BY seq"
        ).fetchall()
    return tuple(ExtractIssue(f, r, c, m, a, bool(w)) for f, r, c, m, a, w in rows)


def _write(path: Path, validated: ValidatedExtracts, inputs, measures: dict[str, Measure]) -> None:
    """Write a fresh store beside the old one and move it into place atomically, with
    the quarters and years an area returned only as months made from them."""
    import pandas as pd

    from qareport.ingest.months import made_from_months

    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    frame = validated.frame.copy()
    issues = pd.DataFrame(
        [
            (n, i.file, i.row, i.column, i.message, i.area_code, i.warning)
            for n, i in enumerate(validated.issues)
        ],
        columns=["seq", "file", "row", "column_name", "message", "area_code", "warning"],
    ).astype({"row": "Int64"})
    inputs_frame = pd.DataFrame(list(inputs), columns=["path", "sha256"])
    try:
        with duckdb.connect(str(temporary)) as con:
            con.register("frame_view", frame)
            con.execute(
                "CREATE TABLE returns AS SELECT area_code, period, measure_id, agency, team, "
                "breakdown, "
                "numerator::DOUBLE AS numerator, denominator::DOUBLE AS denominator, "
                "value::DOUBLE AS value, marker, note, source_file, source_row::INTEGER AS "
                "source_row, '' AS derived FROM frame_view"
            )
            returned = con.execute("SELECT * FROM returns").df()
            made = made_from_months(returned, measures)
            if len(made):
                con.register("made_view", made)
                con.execute("INSERT INTO returns SELECT * FROM made_view")
            _digest_rows(con)
            con.register("issues_view", issues)
            con.execute("CREATE TABLE issues AS SELECT * FROM issues_view")
            con.register("inputs_view", inputs_frame)
            con.execute("CREATE TABLE inputs AS SELECT * FROM inputs_view")
        with _READER_LOCK:  # the old file's connection, closed before the file is replaced
            kept = _READERS.pop(str(path), None)
            if kept is not None:
                kept[1].close()
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _digest_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Each measure's rows hashed in one pass inside DuckDB (no row travels to Python), every
    column written out and an empty one as NULL, so (NULL, 5) and (5, NULL) differ."""
    cells = ", ".join(f"coalesce(CAST({c} AS VARCHAR), 'NULL')" for c in DIGEST_COLUMNS)
    con.execute(
        f"CREATE TABLE digests AS SELECT measure_id, md5(string_agg(concat_ws('|', {cells}), "
        "chr(10) ORDER BY area_code, period, agency, team, breakdown)) AS digest FROM returns "
        "GROUP BY measure_id"
    )


def store_is_stale(project: Project) -> bool:
    """True when an extract, parameters file or catalogue changed since the store was built."""
    return _stored_inputs(project.store_path) != _inputs(project)


def open_store(
    project: Project,
    *,
    rebuild: bool = False,
    stale: bool | None = None,
    for_area: str | None = None,
    strict: bool = False,
) -> Store:
    """The project's store, rebuilt first if any extract, parameter or catalogue changed
    (`stale`: what `store_is_stale` just answered, so the store is not read twice).

    With `for_area` (a single-area build), a problem that blocks that area raises
    ExtractError before anything is written, so output/ stays exactly as it was; with
    `strict`, so does a row whose area code no area has.
    """
    path = project.store_path
    inputs = _inputs(project)
    if stale is None:
        stale = _stored_inputs(path) != inputs
    if rebuild or stale:
        from qareport.ingest.extracts import validate_extracts

        validated = validate_extracts(
            project.data_paths(),
            project.catalogue,
            geography=project.geography,
            root=project.root,
            members=project.member_agencies(),
        )
        if for_area is not None:
            validated.raise_for(for_area, strict=strict)
        _write(path, validated, inputs, project.catalogue.measures)
    return Store(path, _load_issues(path), inputs)


def open_built_store(project: Project) -> Store:
    """The store a build already made, read as it is: a sheet's kernel never rebuilds it,
    and reads only returns (the build checked the extracts' issues before any sheet ran)."""
    return Store(project.store_path, (), ())
