# Golden comparison of one `runbook` command, shared by the corpus tests
# (check_golden.test.sh, scenario_golden.test.sh). Source it; it needs RUNBOOK.
#
#   golden_case EXPECTED ARGS...   runs `$RUNBOOK ARGS...` and compares what it
#                                  printed (stderr, then stdout after '--- stdout',
#                                  then '--- exit N'; $SOURCE_DIR written <source>)
#                                  with the file EXPECTED;
#                                  with UPDATE_GOLDEN=1 it rewrites EXPECTED.
#   case_args NAME DEFAULT...      fills the array CASE_ARGS: the words of NAME.cmd
#                                  if it exists (the whole command line), else
#                                  DEFAULT... followed by the words of NAME.args
# Counts in golden_count and golden_failures.

golden_count=0
golden_failures=0

case_args()
{
   local name=$1
   shift
   CASE_ARGS=()
   if [[ -f $name.cmd ]]; then
      read -r -a CASE_ARGS <"$name.cmd"
      return
   fi
   CASE_ARGS=("$@")
   local extra=()
   if [[ -f $name.args ]]; then read -r -a extra <"$name.args"; fi
   CASE_ARGS+=("${extra[@]}")
}

golden_case()
{
   local expected=$1
   shift
   local actual stdout code
   actual=$(mktemp)
   stdout=$("$RUNBOOK" "$@" 2>"$actual.err")
   code=$?
   {
      cat "$actual.err"
      if [[ -n $stdout ]]; then printf -- '--- stdout\n%s\n' "$stdout"; fi
      printf -- '--- exit %s\n' "$code"
   } >"$actual"
   rm -f "$actual.err"
   # Paths into this checkout (the stdlib's, in notes) read the same everywhere.
   if [[ -n ${SOURCE_DIR:-} ]]; then sed -i "s|$SOURCE_DIR|<source>|g" "$actual"; fi
   golden_count=$((golden_count + 1))
   if [[ ${UPDATE_GOLDEN:-} == 1 ]]; then
      cp "$actual" "$expected"
   elif [[ ! -f $expected ]]; then
      echo "FAIL runbook $*: no $expected (run with UPDATE_GOLDEN=1 and review it)"
      golden_failures=$((golden_failures + 1))
   elif ! diff -u "$expected" "$actual"; then
      echo "FAIL runbook $*: output differs from $expected"
      golden_failures=$((golden_failures + 1))
   fi
   rm -f "$actual"
}
