"""`wstui logs`: the deployed functions' CloudWatch Logs (and the API's access log), as typed events.

`sources` finds the log groups from the stack's resources, `reader` reads them once or follows them
(live tail where CloudWatch Logs offers it, polling where not), `lines` turns CloudWatch's events into
`LogLine`s that keep the request id. Nothing here prints: the CLI and the app render the events.
"""
