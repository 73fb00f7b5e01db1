# bash completion for runbook. Commands, their flags and a flag's choices are
# read from `runbook --help` and `runbook COMMAND --help` (CLI11's help), so
# the completion cannot drift from the binary it completes; run ids come from
# `runbook runs --json` on the journal in use.

# The names listed under a heading of CLI11's help ("Subcommands:" gives the
# commands, "Options:" the flags). Arguments after the heading: the command.
_runbook_help_words()
{
   local heading=$1
   shift
   "$@" --help 2>/dev/null | awk -v heading="$heading" '
      /^[A-Za-z][A-Za-z ]*:$/ { inside = (tolower($0) == tolower(heading)); next }
      inside && /^  [^ ]/ {
         n = split($0, fields, /[ ,]+/)
         for (i = 2; i <= n; i++) {
            if (heading == "Subcommands:") { print fields[i]; break }
            if (fields[i] ~ /^-/) print fields[i]; else break
         }
      }'
}

# A flag's choices as its help shows them: "--in-doubt TEXT:{ask,redo,skip,fail}".
_runbook_flag_choices()
{
   local flag=$1
   shift
   "$@" --help 2>/dev/null | awk -v flag="$flag" '
      { n = split($0, fields, /[ ,]+/) }
      n >= 2 && (fields[2] == flag || fields[3] == flag) && match($0, /\{[^}]*\}/) {
         choices = substr($0, RSTART + 1, RLENGTH - 2); gsub(",", " ", choices); print choices; exit
      }'
}

_runbook_run_ids()
{
   local journal=() i
   for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
      [ "${COMP_WORDS[i]}" = --journal ] && journal=(--journal "${COMP_WORDS[i + 1]}")
   done
   "${COMP_WORDS[0]}" runs --json "${journal[@]}" 2>/dev/null | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p'
}

_runbook()
{
   local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
   local runbook=${COMP_WORDS[0]}
   COMPREPLY=()
   if ((COMP_CWORD == 1)); then
      mapfile -t COMPREPLY < <(compgen -W "$(_runbook_help_words Subcommands: "$runbook")" -- "$cur")
      return
   fi
   local command=${COMP_WORDS[1]}
   if [[ $prev == -* ]]; then
      local choices
      choices=$(_runbook_flag_choices "$prev" "$runbook" "$command")
      if [ -n "$choices" ]; then
         mapfile -t COMPREPLY < <(compgen -W "$choices" -- "$cur")
         return
      fi
      case $prev in
         --journal | --params | --scenario | --cacert | --replay | --operators | --tls-cert | --tls-key) compopt -o default 2>/dev/null; return ;;
         --stdlib | --out) compopt -o dirnames 2>/dev/null; return ;;
      esac
   fi
   if [[ $cur == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "$(_runbook_help_words Options: "$runbook" "$command")" -- "$cur")
      return
   fi
   case $command in
      resume | status | log | approve | abort | signal | resolve | fire)
         mapfile -t COMPREPLY < <(compgen -W "$(_runbook_run_ids)" -- "$cur") ;;
      *)
         compopt -o filenames 2>/dev/null
         mapfile -t COMPREPLY < <(compgen -f -X '!*.@(rb|scenario)' -- "$cur"; compgen -d -- "$cur") ;;
   esac
}

complete -F _runbook runbook
