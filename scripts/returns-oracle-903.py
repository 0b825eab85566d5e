"""Runs the reference SSDA903 validator (csc-validator-be-903 0.1.17, `lac_validator`)
on a folder of CSV tables and compares its flags with Carebridge's.

    python returns-oracle-903.py run YEAR DIR [LAST_DIR] > reference.json
    python returns-oracle-903.py compare reference.json carebridge.jsonl rules.tsv

`run` prints {"flags": [[table, row, rule], ...], "failed": [rule, ...], "seconds": s}.

Each rule is run on its own deep copy of the tables. The reference's engine hands rules
shallow copies, and rule 365 writes 31 March into every blank DEC of the shared Episodes
table, which every rule run after it then sees; the order is the order its rule files
happen to be listed by the file system, so that leak is not part of any rule's meaning
and is left out here (`run --engine` runs the reference exactly as its engine does, for
timing).
`compare` prints, per rule Carebridge implements, the rows only one side flagged, and
exits 1 on any difference. Rules the reference crashed on are listed, not compared.
With CAREBRIDGE_ORACLE_RULES=CODE,CODE,... both run and compare only those rules.
With CAREBRIDGE_ORACLE_STATS=FILE, `compare` also appends to FILE one line per rule:
`rule, compared|failed, rows the reference flagged, rows only one side flagged`.
"""
import json
import logging
import os
import sys
import time
from pathlib import Path

logging.disable(logging.CRITICAL)


def run(year, folder, last_folder=None, engine=False):
    import importlib
    import warnings

    warnings.simplefilter("ignore")
    import copy

    from lac_validator.datastore import copy_datastore, create_datastore
    from lac_validator.ingress import read_from_text

    files = []
    for description, path in (("This year", folder), ("Prev year", last_folder)):
        if path is None:
            continue
        for csv in sorted(Path(path).glob("*.csv")):
            files.append(dict(name=str(csv), description=description, file_content=csv.read_bytes()))
    start_year = int(year[:4])
    ruleset = f"lac{start_year}_{(start_year + 1) % 100:02d}"
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    began = time.perf_counter()
    dfs, extras = read_from_text(files)
    metadata = {"collectionYear": str(start_year + 1), "localAuthority": "E09000027"}
    metadata.update(extras)
    store = create_datastore(dfs, metadata)
    read_seconds = time.perf_counter() - began
    flags, failed = [], []
    only = os.environ.get("CAREBRIDGE_ORACLE_RULES")
    only = set(only.split(",")) if only else None
    for code, rule in registry.items():
        if only is not None and code not in only:
            continue
        try:
            if engine:
                tables = copy_datastore(store)
            else:
                tables = {k: v.copy(deep=True) if k != "metadata" else copy.deepcopy(v) for k, v in store.items()}
            result = rule.func(tables)
        except Exception:
            failed.append(code)
            continue
        for table, rows in result.items():
            for row in rows:
                try:
                    flags.append([table, int(row), code])
                except (TypeError, ValueError):
                    pass
    seconds = time.perf_counter() - began
    json.dump({"flags": flags, "failed": failed, "seconds": seconds, "read_seconds": read_seconds}, out)


def compare(reference_path, ours_path, rules_path):
    reference = json.load(open(reference_path))
    implemented = [line.split("\t")[0] for line in open(rules_path).read().splitlines() if line.endswith("\timplemented")]
    only = os.environ.get("CAREBRIDGE_ORACLE_RULES")
    if only:
        implemented = [rule for rule in implemented if rule in only.split(",")]
    failed = set(reference["failed"])
    theirs = {}
    for table, row, rule in reference["flags"]:
        theirs.setdefault(rule, set()).add((table, row))
    ours = {}
    for line in open(ours_path):
        if line.strip():
            flag = json.loads(line)
            ours.setdefault(flag["rule"], set()).add((flag["table"], flag["row"]))
    differences = 0
    compared = 0
    for rule in implemented:
        if rule in failed:
            print(f"  rule {rule}: the reference failed to run on this input (not compared)")
            continue
        compared += 1
        only_ours = sorted(ours.get(rule, set()) - theirs.get(rule, set()))
        only_theirs = sorted(theirs.get(rule, set()) - ours.get(rule, set()))
        if only_ours or only_theirs:
            differences += 1
            print(f"  rule {rule}: {len(ours.get(rule, ()))} rows flagged by Carebridge, {len(theirs.get(rule, ()))} by the reference")
            if only_ours:
                print(f"    only Carebridge: {only_ours[:10]}{' ...' if len(only_ours) > 10 else ''}")
            if only_theirs:
                print(f"    only reference:  {only_theirs[:10]}{' ...' if len(only_theirs) > 10 else ''}")
    stats = os.environ.get("CAREBRIDGE_ORACLE_STATS")
    if stats:
        # One line per implemented rule: rule, compared or failed, rows the reference
        # flagged, rows only one side flagged (appended, one input after another).
        with open(stats, "a") as out:
            for rule in implemented:
                status = "failed" if rule in failed else "compared"
                diff = len(ours.get(rule, set()) ^ theirs.get(rule, set())) if rule not in failed else 0
                out.write(f"{rule}\t{status}\t{len(theirs.get(rule, ()))}\t{diff}\n")
    fired = sum(1 for rule in implemented if theirs.get(rule))
    print(f"  compared {compared} rules ({fired} fired on this input), {differences} differ")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    if sys.argv[1] == "run":
        # Some rules print; keep stdout for the answer.
        out, sys.stdout = sys.stdout, open("/dev/null", "w")
        engine = "--engine" in sys.argv
        args = [a for a in sys.argv[2:] if a != "--engine"]
        run(args[0], args[1], args[2] if len(args) > 2 else None, engine)
    else:
        compare(sys.argv[2], sys.argv[3], sys.argv[4])
