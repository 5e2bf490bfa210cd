#!/usr/bin/env python3
"""Seeds the fuzz corpora from the AWS recordings and examples/ (the corpus is not committed).

    python3 fuzz/seed_corpus.py [CASES_DIR]

CASES_DIR defaults to $STEPWISE_CONFORMANCE_DIR, else ../shared/conformance/cases or
../../shared/conformance/cases relative to the repository root. Writes fuzz/corpus/parse_validate/ (definition text) and fuzz/corpus/run/
(definition, a NUL byte, then the recorded input).
"""
import hashlib
import json
import os
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent


def write(directory: Path, data: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main() -> int:
    # A worktree under /work/wt/<name> or the main checkout /work/main: try both layouts.
    candidates = [ROOT / "../shared/conformance/cases", ROOT / "../../shared/conformance/cases"]
    if os.environ.get("STEPWISE_CONFORMANCE_DIR"):
        candidates.insert(0, Path(os.environ["STEPWISE_CONFORMANCE_DIR"]))
    if len(sys.argv) > 1:
        candidates.insert(0, Path(sys.argv[1]))
    cases = next((c for c in candidates if c.is_dir()), candidates[0])
    seeds = []  # (definition text, input text)
    if cases.is_dir():
        for path in sorted(cases.glob("*/*.json")):
            try:
                case = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            definition = case.get("definition")
            if definition is None:
                continue
            if not isinstance(definition, str):
                definition = json.dumps(definition, indent=2)
            given = case.get("input", {})
            given = given if isinstance(given, str) else json.dumps(given)
            seeds.append((definition, given))
    else:
        print(f"no conformance cases at {cases}; seeding from examples/ only", file=sys.stderr)
    for path in sorted((ROOT / "examples").glob("*.json")):
        text = path.read_text()
        for given in ('{"statuscode": "429"}', '{"statuscode": "200"}', '{"statuscode": "503"}', "{}"):
            seeds.append((text, given))
    for definition, given in seeds:
        write(FUZZ / "corpus" / "parse_validate", definition.encode())
        write(FUZZ / "corpus" / "run", definition.encode() + b"\0" + given.encode())
    print(f"{len(seeds)} seeds written under {FUZZ / 'corpus'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
