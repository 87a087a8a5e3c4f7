# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ims_share_global_optspecs
    string join \n profile= config= region= project-id= endpoint= iam-endpoint= o/output= json no-progress q/quiet v/verbose request-timeout= retries= ca-bundle= sandbox sandbox-state= os-cloud= hcloud-profile= h/help V/version
end

function __fish_ims_share_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ims_share_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ims_share_using_subcommand
    set -l cmd (__fish_ims_share_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ims-share -n "__fish_ims_share_needs_command" -l profile -d 'Profile of the config file to use [env: IMS_SHARE_PROFILE]' -r
complete -c ims-share -n "__fish_ims_share_needs_command" -l config -d 'Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]' -r -F
complete -c ims-share -n "__fish_ims_share_needs_command" -l region -d 'Region, e.g. eu-de or ap-southeast-1 (picks the endpoints and the project)' -r
complete -c ims-share -n "__fish_ims_share_needs_command" -l project-id -d 'Your project id (found through IAM when not given)' -r
complete -c ims-share -n "__fish_ims_share_needs_command" -l endpoint -d 'IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]' -r
complete -c ims-share -n "__fish_ims_share_needs_command" -l iam-endpoint -d 'IAM (Keystone) endpoint, with or without its trailing /v3' -r
complete -c ims-share -n "__fish_ims_share_needs_command" -s o -l output -d 'Output format [default: table on a terminal, plain when piped]' -r -f -a "table\t'Tables for people (the default when standard output is a terminal)'
plain\t'Tab-separated rows without a header (the default when piped)'
json\t'One JSON document, for jq'"
complete -c ims-share -n "__fish_ims_share_needs_command" -l request-timeout -d 'Time-out of one HTTP request' -r
complete -c ims-share -n "__fish_ims_share_needs_command" -l retries -d 'Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)' -r
complete -c ims-share -n "__fish_ims_share_needs_command" -l ca-bundle -d 'Extra CA certificates (PEM) to trust [env: OS_CACERT]' -r -F
complete -c ims-share -n "__fish_ims_share_needs_command" -l sandbox-state -d 'State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]' -r -F
complete -c ims-share -n "__fish_ims_share_needs_command" -l os-cloud -d 'Use this entry of OpenStack\'s clouds.yaml [env: OS_CLOUD]' -r
complete -c ims-share -n "__fish_ims_share_needs_command" -l hcloud-profile -d 'Use this profile of KooCLI\'s ~/.hcloud/config.json' -r
complete -c ims-share -n "__fish_ims_share_needs_command" -l json -d 'Short for --output json'
complete -c ims-share -n "__fish_ims_share_needs_command" -l no-progress -d 'No spinner or progress bar'
complete -c ims-share -n "__fish_ims_share_needs_command" -s q -l quiet -d 'Only results and errors: no progress, no "submitted job" lines'
complete -c ims-share -n "__fish_ims_share_needs_command" -s v -l verbose -d 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)'
complete -c ims-share -n "__fish_ims_share_needs_command" -l sandbox -d 'Talk to the built-in emulator instead of a cloud (no account needed)'
complete -c ims-share -n "__fish_ims_share_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ims-share -n "__fish_ims_share_needs_command" -s V -l version -d 'Print version'
complete -c ims-share -n "__fish_ims_share_needs_command" -f -a "accept" -d 'Accept images shared with you, and wait until IMS has done it'
complete -c ims-share -n "__fish_ims_share_needs_command" -f -a "reject" -d 'Reject images shared with you (they stay usable but leave your image list)'
complete -c ims-share -n "__fish_ims_share_needs_command" -f -a "status" -d 'Show the images shared with you, one image\'s membership, or jobs'
complete -c ims-share -n "__fish_ims_share_needs_command" -f -a "wait" -d 'Wait for IMS jobs to finish and report each image'
complete -c ims-share -n "__fish_ims_share_needs_command" -f -a "sandbox" -d 'Serve the emulator (IMS, Glance and IAM APIs) in the foreground, for testing scripts'
complete -c ims-share -n "__fish_ims_share_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l owner -d 'With --all-pending: only images owned by this project id' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l name -d 'With --all-pending: only images whose name matches this glob (e.g. \'ubuntu-*\')' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l mode -d 'Batch jobs or one request per image [default: batch; per-image for cloud = "openstack"]' -r -f -a "batch\t'One `PUT /v1/cloudimages/members` per chunk, then wait for the jobs (IMS)'
per-image\t'One `PUT /v2/images/{id}/members/{member}` per image (Glance v2, any OpenStack)'"
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l batch-size -d 'Batch mode: images per request' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l concurrency -d 'Requests in flight at once' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l member-id -d 'Per-image mode: the member id to update [default: your project id]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l timeout -d 'Give up waiting after this long (exit 4, job ids printed)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l interval -d 'Longest pause between two polls of a job' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l vault-id -d 'CBR vault for full-ECS images (only those images carry it)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l profile -d 'Profile of the config file to use [env: IMS_SHARE_PROFILE]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l config -d 'Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l region -d 'Region, e.g. eu-de or ap-southeast-1 (picks the endpoints and the project)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l project-id -d 'Your project id (found through IAM when not given)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l endpoint -d 'IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l iam-endpoint -d 'IAM (Keystone) endpoint, with or without its trailing /v3' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -s o -l output -d 'Output format [default: table on a terminal, plain when piped]' -r -f -a "table\t'Tables for people (the default when standard output is a terminal)'
plain\t'Tab-separated rows without a header (the default when piped)'
json\t'One JSON document, for jq'"
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l request-timeout -d 'Time-out of one HTTP request' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l retries -d 'Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l ca-bundle -d 'Extra CA certificates (PEM) to trust [env: OS_CACERT]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l sandbox-state -d 'State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l os-cloud -d 'Use this entry of OpenStack\'s clouds.yaml [env: OS_CLOUD]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l hcloud-profile -d 'Use this profile of KooCLI\'s ~/.hcloud/config.json' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l all-pending -d 'Every image shared with you that is still pending'
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l no-wait -d 'Batch mode: print the job ids and return without waiting'
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l dry-run -d 'Resolve the ids and print the requests that would be sent; send no change'
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l json -d 'Short for --output json'
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l no-progress -d 'No spinner or progress bar'
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -s q -l quiet -d 'Only results and errors: no progress, no "submitted job" lines'
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -s v -l verbose -d 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)'
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -l sandbox -d 'Talk to the built-in emulator instead of a cloud (no account needed)'
complete -c ims-share -n "__fish_ims_share_using_subcommand accept" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l owner -d 'With --all-pending: only images owned by this project id' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l name -d 'With --all-pending: only images whose name matches this glob (e.g. \'ubuntu-*\')' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l mode -d 'Batch jobs or one request per image [default: batch; per-image for cloud = "openstack"]' -r -f -a "batch\t'One `PUT /v1/cloudimages/members` per chunk, then wait for the jobs (IMS)'
per-image\t'One `PUT /v2/images/{id}/members/{member}` per image (Glance v2, any OpenStack)'"
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l batch-size -d 'Batch mode: images per request' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l concurrency -d 'Requests in flight at once' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l member-id -d 'Per-image mode: the member id to update [default: your project id]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l timeout -d 'Give up waiting after this long (exit 4, job ids printed)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l interval -d 'Longest pause between two polls of a job' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l profile -d 'Profile of the config file to use [env: IMS_SHARE_PROFILE]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l config -d 'Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l region -d 'Region, e.g. eu-de or ap-southeast-1 (picks the endpoints and the project)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l project-id -d 'Your project id (found through IAM when not given)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l endpoint -d 'IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l iam-endpoint -d 'IAM (Keystone) endpoint, with or without its trailing /v3' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -s o -l output -d 'Output format [default: table on a terminal, plain when piped]' -r -f -a "table\t'Tables for people (the default when standard output is a terminal)'
plain\t'Tab-separated rows without a header (the default when piped)'
json\t'One JSON document, for jq'"
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l request-timeout -d 'Time-out of one HTTP request' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l retries -d 'Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l ca-bundle -d 'Extra CA certificates (PEM) to trust [env: OS_CACERT]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l sandbox-state -d 'State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l os-cloud -d 'Use this entry of OpenStack\'s clouds.yaml [env: OS_CLOUD]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l hcloud-profile -d 'Use this profile of KooCLI\'s ~/.hcloud/config.json' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l all-pending -d 'Every image shared with you that is still pending'
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l no-wait -d 'Batch mode: print the job ids and return without waiting'
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l dry-run -d 'Resolve the ids and print the requests that would be sent; send no change'
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l json -d 'Short for --output json'
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l no-progress -d 'No spinner or progress bar'
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -s q -l quiet -d 'Only results and errors: no progress, no "submitted job" lines'
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -s v -l verbose -d 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)'
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -l sandbox -d 'Talk to the built-in emulator instead of a cloud (no account needed)'
complete -c ims-share -n "__fish_ims_share_using_subcommand reject" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l member-status -d 'Only images in this member status [default: all]' -r -f -a "pending\t''
accepted\t''
rejected\t''
all\t'The union of the three'"
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l owner -d 'Only images owned by this project id' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l name -d 'Only images whose name matches this glob (e.g. \'ubuntu-*\')' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l job -d 'Show these jobs instead (like wait, without waiting)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l profile -d 'Profile of the config file to use [env: IMS_SHARE_PROFILE]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l config -d 'Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l region -d 'Region, e.g. eu-de or ap-southeast-1 (picks the endpoints and the project)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l project-id -d 'Your project id (found through IAM when not given)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l endpoint -d 'IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l iam-endpoint -d 'IAM (Keystone) endpoint, with or without its trailing /v3' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -s o -l output -d 'Output format [default: table on a terminal, plain when piped]' -r -f -a "table\t'Tables for people (the default when standard output is a terminal)'
plain\t'Tab-separated rows without a header (the default when piped)'
json\t'One JSON document, for jq'"
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l request-timeout -d 'Time-out of one HTTP request' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l retries -d 'Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l ca-bundle -d 'Extra CA certificates (PEM) to trust [env: OS_CACERT]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l sandbox-state -d 'State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l os-cloud -d 'Use this entry of OpenStack\'s clouds.yaml [env: OS_CLOUD]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l hcloud-profile -d 'Use this profile of KooCLI\'s ~/.hcloud/config.json' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l json -d 'Short for --output json'
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l no-progress -d 'No spinner or progress bar'
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -s q -l quiet -d 'Only results and errors: no progress, no "submitted job" lines'
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -s v -l verbose -d 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)'
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -l sandbox -d 'Talk to the built-in emulator instead of a cloud (no account needed)'
complete -c ims-share -n "__fish_ims_share_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l timeout -d 'Give up after this long (exit 4, job ids printed)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l interval -d 'Longest pause between two polls of a job' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l profile -d 'Profile of the config file to use [env: IMS_SHARE_PROFILE]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l config -d 'Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l region -d 'Region, e.g. eu-de or ap-southeast-1 (picks the endpoints and the project)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l project-id -d 'Your project id (found through IAM when not given)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l endpoint -d 'IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l iam-endpoint -d 'IAM (Keystone) endpoint, with or without its trailing /v3' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -s o -l output -d 'Output format [default: table on a terminal, plain when piped]' -r -f -a "table\t'Tables for people (the default when standard output is a terminal)'
plain\t'Tab-separated rows without a header (the default when piped)'
json\t'One JSON document, for jq'"
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l request-timeout -d 'Time-out of one HTTP request' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l retries -d 'Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l ca-bundle -d 'Extra CA certificates (PEM) to trust [env: OS_CACERT]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l sandbox-state -d 'State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l os-cloud -d 'Use this entry of OpenStack\'s clouds.yaml [env: OS_CLOUD]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l hcloud-profile -d 'Use this profile of KooCLI\'s ~/.hcloud/config.json' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l json -d 'Short for --output json'
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l no-progress -d 'No spinner or progress bar'
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -s q -l quiet -d 'Only results and errors: no progress, no "submitted job" lines'
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -s v -l verbose -d 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)'
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -l sandbox -d 'Talk to the built-in emulator instead of a cloud (no account needed)'
complete -c ims-share -n "__fish_ims_share_using_subcommand wait" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l listen -d 'Address to listen on (port 0 picks a free one)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l state -d 'State file to serve [default: the --sandbox account]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l seed -d 'Serve a custom account from this JSON file (kept in memory, the file is not changed)' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l latency -d 'Delay every response by this long' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l job-duration -d 'How long a batch job runs before it succeeds or fails [default: 2s]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l throttle-every -d 'Every Nth request: 429 with Retry-After and an APIGW.0308 body' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l unavailable-every -d 'Every Nth request: 503 Service Unavailable' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l drop-every -d 'Every Nth request: close the connection without answering' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l html-error-every -d 'Every Nth request: 502 with an HTML page, as a gateway sends' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l slow-every -d 'Every Nth request: answer only after --slow-for' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l slow-for -d 'How long a --slow-every answer takes' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l truncate-every -d 'Every Nth request: a JSON body cut short' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l token-uses -d 'Tokens issued by the emulator\'s IAM expire after N uses' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l profile -d 'Profile of the config file to use [env: IMS_SHARE_PROFILE]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l config -d 'Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l region -d 'Region, e.g. eu-de or ap-southeast-1 (picks the endpoints and the project)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l project-id -d 'Your project id (found through IAM when not given)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l endpoint -d 'IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l iam-endpoint -d 'IAM (Keystone) endpoint, with or without its trailing /v3' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -s o -l output -d 'Output format [default: table on a terminal, plain when piped]' -r -f -a "table\t'Tables for people (the default when standard output is a terminal)'
plain\t'Tab-separated rows without a header (the default when piped)'
json\t'One JSON document, for jq'"
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l request-timeout -d 'Time-out of one HTTP request' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l retries -d 'Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l ca-bundle -d 'Extra CA certificates (PEM) to trust [env: OS_CACERT]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l sandbox-state -d 'State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]' -r -F
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l os-cloud -d 'Use this entry of OpenStack\'s clouds.yaml [env: OS_CLOUD]' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l hcloud-profile -d 'Use this profile of KooCLI\'s ~/.hcloud/config.json' -r
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l allow-remote -d 'Allow a non-loopback --listen address (anyone who can reach it can use the fake account)'
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l reset -d 'Restore the seeded account and exit'
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l json -d 'Short for --output json'
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l no-progress -d 'No spinner or progress bar'
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -s q -l quiet -d 'Only results and errors: no progress, no "submitted job" lines'
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -s v -l verbose -d 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)'
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -l sandbox -d 'Talk to the built-in emulator instead of a cloud (no account needed)'
complete -c ims-share -n "__fish_ims_share_using_subcommand sandbox" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ims-share -n "__fish_ims_share_using_subcommand help; and not __fish_seen_subcommand_from accept reject status wait sandbox help" -f -a "accept" -d 'Accept images shared with you, and wait until IMS has done it'
complete -c ims-share -n "__fish_ims_share_using_subcommand help; and not __fish_seen_subcommand_from accept reject status wait sandbox help" -f -a "reject" -d 'Reject images shared with you (they stay usable but leave your image list)'
complete -c ims-share -n "__fish_ims_share_using_subcommand help; and not __fish_seen_subcommand_from accept reject status wait sandbox help" -f -a "status" -d 'Show the images shared with you, one image\'s membership, or jobs'
complete -c ims-share -n "__fish_ims_share_using_subcommand help; and not __fish_seen_subcommand_from accept reject status wait sandbox help" -f -a "wait" -d 'Wait for IMS jobs to finish and report each image'
complete -c ims-share -n "__fish_ims_share_using_subcommand help; and not __fish_seen_subcommand_from accept reject status wait sandbox help" -f -a "sandbox" -d 'Serve the emulator (IMS, Glance and IAM APIs) in the foreground, for testing scripts'
complete -c ims-share -n "__fish_ims_share_using_subcommand help; and not __fish_seen_subcommand_from accept reject status wait sandbox help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
