runbook "x"
let x = "â‚