# ${...} in sh where no quoting could make the value exact: refused by check.
runbook "unsafe splices"
param name = "x"
metric depth = sh "queue-depth `echo ${name}`" unit count
phase "Deploy" {
  log "depth ${depth}"
  sh "echo ok # for ${name}"
  sh "cat <<EOF\n${name}\nEOF"
  sh "echo \"fine: ${name}\" 'fine: ${name}' fine:${name} $(echo ${name})"
}
# A route on purpose: this case is about another diagnostic.
on fail stop
