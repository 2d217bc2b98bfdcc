# The report JSON validates against reports/report.schema.json (the
# DESIGN.md contract as a JSON Schema) with a real validator (python3
# jsonschema, Draft 2020-12), for every profile and scope, and the
# validator does reject a report that breaks the contract.
. "$ROOT/tests/e2e/lib/common.sh"
P=$SAMPLES/pii
C=$ROOT/samples/case
S=$ROOT/reports/report.schema.json
"$LT" scan -q --case c.db "$P/pc01.img" "$P/pc02.img"
"$LT" proxy -q --case c.db --hosts "$C/hosts.csv" --ioc "$C/ioc.txt" "$C/squid-access.log" 2> /dev/null
"$LT" correlate -q --case c.db > /dev/null
validate() {
	python3 - "$S" "$1" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
PY
}
for args in "" "--profile nenkin" "--scope leaked" "--scope leaked --profile nenkin" "--approx"; do
	# shellcheck disable=SC2086
	"$LT" report --case c.db --format json $args > r.json
	validate r.json || die "report $args does not validate"
done
# The validator is not a rubber stamp: a broken report is rejected.
jq 'del(.tables.persons.no_name)' r.json > bad1.json
! validate bad1.json 2> /dev/null || die "missing key accepted"
jq '.files.seen = "12"' r.json > bad2.json
! validate bad2.json 2> /dev/null || die "wrong type accepted"
jq '.pii_files[0].columns = ["name", "shoe_size"]' r.json > bad3.json
! validate bad3.json 2> /dev/null || die "unknown element accepted"
