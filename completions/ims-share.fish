complete --keep-order --exclusive --command ims-share --arguments "(COMPLETE=fish ims-share -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
