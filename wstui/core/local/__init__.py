"""`wstui dev`: the whole service on this machine, built from the synthesized template, no AWS account."""
