"""Runs the reference CIN census validator (csc-validator-be-cin 0.1.13, `cin_validator`)
on a census XML file and compares its flags with Carebridge's.

    python returns-oracle-cin.py run YEAR FILE.xml > reference.json
    python returns-oracle-cin.py compare reference.json carebridge.jsonl rules.tsv

`run` reads the file as the reference's CLI does (ElementTree, `convert_data`,
`process_data`), runs each rule of the year on its own deep copy of the tables (as its
engine does) and prints {"flags": [[table, row, rule], ...], "failed": [rule, ...],
"seconds": s}. A rule about the return as a whole (`push_la_level`) is the flag
["", -1, rule]; Carebridge writes it with no table and no row.
`compare` prints, per rule Carebridge implements, the rows only one side flagged, and
exits 1 on any difference. Rules the reference crashed on are listed, not compared.
With CAREBRIDGE_ORACLE_RULES=CODE,CODE,... both run and compare only those rules.
With CAREBRIDGE_ORACLE_STATS=FILE, `compare` also appends to FILE one line per rule:
`rule, compared|failed, rows the reference flagged, rows only one side flagged`.
"""
import copy
import json
import logging
import os
import sys
import time

logging.disable(logging.CRITICAL)


def run(year, path):
    import importlib
    import warnings
    import xml.etree.ElementTree as ET

    warnings.simplefilter("ignore")
    from cin_validator import cin_validator
    from cin_validator.rule_engine import RuleContext

    start_year = int(year[:4])
    ruleset = f"cin{start_year}_{(start_year + 1) % 100:02d}"
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    began = time.perf_counter()
    root = ET.parse(path).getroot()
    data = cin_validator.process_data(cin_validator.convert_data(root))
    tables = cin_validator.enum_keys(data)
    read_seconds = time.perf_counter() - began
    only = os.environ.get("CAREBRIDGE_ORACLE_RULES")
    only = set(only.split(",")) if only else None
    flags, failed = [], []
    for code, rule in registry.items():
        if only is not None and code not in only:
            continue
        ctx = RuleContext(rule)
        try:
            rule.func(copy.deepcopy(tables), ctx)
        except Exception:
            failed.append(code)
            continue
        # As the engine's process_issues: of the issues the rule pushed (single
        # column, type 1, 2, 3, LA level), only the kind with the most locations counts.
        kinds = [ctx.type_zero_issues, ctx.type_one_issues, ctx.type_two_issues, ctx.type_three_issues, ctx.la_level_issues]
        lengths = [len(k) for k in kinds]
        if max(lengths) == 0:
            continue
        kind = lengths.index(max(lengths))
        if kind == 4:
            flags.append(["", -1, code])
            continue
        located = kinds[kind]
        for table, row in zip(located["tables_affected"], located["ROW_ID"]):
            try:
                flags.append([table, int(row), code])
            except (TypeError, ValueError):
                pass  # a NaN row from an unmatched merge names no row
    seconds = time.perf_counter() - began
    json.dump({"flags": flags, "failed": failed, "seconds": seconds, "read_seconds": read_seconds}, out)


# Rules whose reference implementation cannot answer for the rule, so that comparing
# with it would check nothing (see crates/returns/CIN_RULES.md): 8565 replaces the
# ChildProtectionPlans table with a one-row test table left in its code.
NOT_COMPARABLE = {"8565"}


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
            table = flag["table"] or ""
            row = flag["table_row"] if flag["table_row"] is not None else -1
            ours.setdefault(flag["rule"], set()).add((table, row))
    differences = 0
    compared = 0
    for rule in implemented:
        if rule in NOT_COMPARABLE:
            continue
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
        with open(stats, "a") as out_file:
            for rule in implemented:
                status = "failed" if rule in failed else "compared"
                diff = len(ours.get(rule, set()) ^ theirs.get(rule, set())) if rule not in failed else 0
                out_file.write(f"{rule}\t{status}\t{len(theirs.get(rule, ()))}\t{diff}\n")
    fired = sum(1 for rule in implemented if theirs.get(rule))
    print(f"  compared {compared} rules ({fired} fired on this input), {differences} differ; reference took {reference['seconds']:.1f}s")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    if sys.argv[1] == "run":
        # Some rules print; keep stdout for the answer.
        out, sys.stdout = sys.stdout, open("/dev/null", "w")
        run(sys.argv[2], sys.argv[3])
    else:
        compare(sys.argv[2], sys.argv[3], sys.argv[4])
