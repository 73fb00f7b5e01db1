run invalid/missing-param.rb --yes
