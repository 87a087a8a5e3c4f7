
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ims-share' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ims-share'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'ims-share' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: IMS_SHARE_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region, e.g. eu-de or ap-southeast-1 (picks the endpoints and the project)')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Your project id (found through IAM when not given)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]')
            [CompletionResult]::new('--iam-endpoint', '--iam-endpoint', [CompletionResultType]::ParameterName, 'IAM (Keystone) endpoint, with or without its trailing /v3')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, plain when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, plain when piped]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time-out of one HTTP request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust [env: OS_CACERT]')
            [CompletionResult]::new('--sandbox-state', '--sandbox-state', [CompletionResultType]::ParameterName, 'State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]')
            [CompletionResult]::new('--os-cloud', '--os-cloud', [CompletionResultType]::ParameterName, 'Use this entry of OpenStack''s clouds.yaml [env: OS_CLOUD]')
            [CompletionResult]::new('--hcloud-profile', '--hcloud-profile', [CompletionResultType]::ParameterName, 'Use this profile of KooCLI''s ~/.hcloud/config.json')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No spinner or progress bar')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only results and errors: no progress, no "submitted job" lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only results and errors: no progress, no "submitted job" lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in emulator instead of a cloud (no account needed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'Accept images shared with you, and wait until IMS has done it')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Reject images shared with you (they stay usable but leave your image list)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the images shared with you, one image''s membership, or jobs')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait for IMS jobs to finish and report each image')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Serve the emulator (IMS, Glance and IAM APIs) in the foreground, for testing scripts')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ims-share;accept' {
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'With --all-pending: only images owned by this project id')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'With --all-pending: only images whose name matches this glob (e.g. ''ubuntu-*'')')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Batch jobs or one request per image [default: batch; per-image for cloud = "openstack"]')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Batch mode: images per request')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once')
            [CompletionResult]::new('--member-id', '--member-id', [CompletionResultType]::ParameterName, 'Per-image mode: the member id to update [default: your project id]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (exit 4, job ids printed)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Longest pause between two polls of a job')
            [CompletionResult]::new('--vault-id', '--vault-id', [CompletionResultType]::ParameterName, 'CBR vault for full-ECS images (only those images carry it)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: IMS_SHARE_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region, e.g. eu-de or ap-southeast-1 (picks the endpoints and the project)')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Your project id (found through IAM when not given)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]')
            [CompletionResult]::new('--iam-endpoint', '--iam-endpoint', [CompletionResultType]::ParameterName, 'IAM (Keystone) endpoint, with or without its trailing /v3')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, plain when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, plain when piped]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time-out of one HTTP request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust [env: OS_CACERT]')
            [CompletionResult]::new('--sandbox-state', '--sandbox-state', [CompletionResultType]::ParameterName, 'State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]')
            [CompletionResult]::new('--os-cloud', '--os-cloud', [CompletionResultType]::ParameterName, 'Use this entry of OpenStack''s clouds.yaml [env: OS_CLOUD]')
            [CompletionResult]::new('--hcloud-profile', '--hcloud-profile', [CompletionResultType]::ParameterName, 'Use this profile of KooCLI''s ~/.hcloud/config.json')
            [CompletionResult]::new('--all-pending', '--all-pending', [CompletionResultType]::ParameterName, 'Every image shared with you that is still pending')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Batch mode: print the job ids and return without waiting')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Resolve the ids and print the requests that would be sent; send no change')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No spinner or progress bar')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only results and errors: no progress, no "submitted job" lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only results and errors: no progress, no "submitted job" lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in emulator instead of a cloud (no account needed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ims-share;reject' {
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'With --all-pending: only images owned by this project id')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'With --all-pending: only images whose name matches this glob (e.g. ''ubuntu-*'')')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Batch jobs or one request per image [default: batch; per-image for cloud = "openstack"]')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Batch mode: images per request')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once')
            [CompletionResult]::new('--member-id', '--member-id', [CompletionResultType]::ParameterName, 'Per-image mode: the member id to update [default: your project id]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (exit 4, job ids printed)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Longest pause between two polls of a job')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: IMS_SHARE_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region, e.g. eu-de or ap-southeast-1 (picks the endpoints and the project)')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Your project id (found through IAM when not given)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]')
            [CompletionResult]::new('--iam-endpoint', '--iam-endpoint', [CompletionResultType]::ParameterName, 'IAM (Keystone) endpoint, with or without its trailing /v3')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, plain when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, plain when piped]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time-out of one HTTP request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust [env: OS_CACERT]')
            [CompletionResult]::new('--sandbox-state', '--sandbox-state', [CompletionResultType]::ParameterName, 'State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]')
            [CompletionResult]::new('--os-cloud', '--os-cloud', [CompletionResultType]::ParameterName, 'Use this entry of OpenStack''s clouds.yaml [env: OS_CLOUD]')
            [CompletionResult]::new('--hcloud-profile', '--hcloud-profile', [CompletionResultType]::ParameterName, 'Use this profile of KooCLI''s ~/.hcloud/config.json')
            [CompletionResult]::new('--all-pending', '--all-pending', [CompletionResultType]::ParameterName, 'Every image shared with you that is still pending')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Batch mode: print the job ids and return without waiting')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Resolve the ids and print the requests that would be sent; send no change')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No spinner or progress bar')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only results and errors: no progress, no "submitted job" lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only results and errors: no progress, no "submitted job" lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in emulator instead of a cloud (no account needed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ims-share;status' {
            [CompletionResult]::new('--member-status', '--member-status', [CompletionResultType]::ParameterName, 'Only images in this member status [default: all]')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Only images owned by this project id')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Only images whose name matches this glob (e.g. ''ubuntu-*'')')
            [CompletionResult]::new('--job', '--job', [CompletionResultType]::ParameterName, 'Show these jobs instead (like wait, without waiting)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: IMS_SHARE_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region, e.g. eu-de or ap-southeast-1 (picks the endpoints and the project)')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Your project id (found through IAM when not given)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]')
            [CompletionResult]::new('--iam-endpoint', '--iam-endpoint', [CompletionResultType]::ParameterName, 'IAM (Keystone) endpoint, with or without its trailing /v3')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, plain when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, plain when piped]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time-out of one HTTP request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust [env: OS_CACERT]')
            [CompletionResult]::new('--sandbox-state', '--sandbox-state', [CompletionResultType]::ParameterName, 'State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]')
            [CompletionResult]::new('--os-cloud', '--os-cloud', [CompletionResultType]::ParameterName, 'Use this entry of OpenStack''s clouds.yaml [env: OS_CLOUD]')
            [CompletionResult]::new('--hcloud-profile', '--hcloud-profile', [CompletionResultType]::ParameterName, 'Use this profile of KooCLI''s ~/.hcloud/config.json')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No spinner or progress bar')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only results and errors: no progress, no "submitted job" lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only results and errors: no progress, no "submitted job" lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in emulator instead of a cloud (no account needed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ims-share;wait' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (exit 4, job ids printed)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Longest pause between two polls of a job')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: IMS_SHARE_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region, e.g. eu-de or ap-southeast-1 (picks the endpoints and the project)')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Your project id (found through IAM when not given)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]')
            [CompletionResult]::new('--iam-endpoint', '--iam-endpoint', [CompletionResultType]::ParameterName, 'IAM (Keystone) endpoint, with or without its trailing /v3')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, plain when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, plain when piped]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time-out of one HTTP request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust [env: OS_CACERT]')
            [CompletionResult]::new('--sandbox-state', '--sandbox-state', [CompletionResultType]::ParameterName, 'State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]')
            [CompletionResult]::new('--os-cloud', '--os-cloud', [CompletionResultType]::ParameterName, 'Use this entry of OpenStack''s clouds.yaml [env: OS_CLOUD]')
            [CompletionResult]::new('--hcloud-profile', '--hcloud-profile', [CompletionResultType]::ParameterName, 'Use this profile of KooCLI''s ~/.hcloud/config.json')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No spinner or progress bar')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only results and errors: no progress, no "submitted job" lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only results and errors: no progress, no "submitted job" lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in emulator instead of a cloud (no account needed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ims-share;sandbox' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (port 0 picks a free one)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State file to serve [default: the --sandbox account]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Serve a custom account from this JSON file (kept in memory, the file is not changed)')
            [CompletionResult]::new('--latency', '--latency', [CompletionResultType]::ParameterName, 'Delay every response by this long')
            [CompletionResult]::new('--job-duration', '--job-duration', [CompletionResultType]::ParameterName, 'How long a batch job runs before it succeeds or fails [default: 2s]')
            [CompletionResult]::new('--throttle-every', '--throttle-every', [CompletionResultType]::ParameterName, 'Every Nth request: 429 with Retry-After and an APIGW.0308 body')
            [CompletionResult]::new('--unavailable-every', '--unavailable-every', [CompletionResultType]::ParameterName, 'Every Nth request: 503 Service Unavailable')
            [CompletionResult]::new('--drop-every', '--drop-every', [CompletionResultType]::ParameterName, 'Every Nth request: close the connection without answering')
            [CompletionResult]::new('--html-error-every', '--html-error-every', [CompletionResultType]::ParameterName, 'Every Nth request: 502 with an HTML page, as a gateway sends')
            [CompletionResult]::new('--slow-every', '--slow-every', [CompletionResultType]::ParameterName, 'Every Nth request: answer only after --slow-for')
            [CompletionResult]::new('--slow-for', '--slow-for', [CompletionResultType]::ParameterName, 'How long a --slow-every answer takes')
            [CompletionResult]::new('--truncate-every', '--truncate-every', [CompletionResultType]::ParameterName, 'Every Nth request: a JSON body cut short')
            [CompletionResult]::new('--token-uses', '--token-uses', [CompletionResultType]::ParameterName, 'Tokens issued by the emulator''s IAM expire after N uses')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: IMS_SHARE_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region, e.g. eu-de or ap-southeast-1 (picks the endpoints and the project)')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Your project id (found through IAM when not given)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]')
            [CompletionResult]::new('--iam-endpoint', '--iam-endpoint', [CompletionResultType]::ParameterName, 'IAM (Keystone) endpoint, with or without its trailing /v3')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, plain when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, plain when piped]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time-out of one HTTP request')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust [env: OS_CACERT]')
            [CompletionResult]::new('--sandbox-state', '--sandbox-state', [CompletionResultType]::ParameterName, 'State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]')
            [CompletionResult]::new('--os-cloud', '--os-cloud', [CompletionResultType]::ParameterName, 'Use this entry of OpenStack''s clouds.yaml [env: OS_CLOUD]')
            [CompletionResult]::new('--hcloud-profile', '--hcloud-profile', [CompletionResultType]::ParameterName, 'Use this profile of KooCLI''s ~/.hcloud/config.json')
            [CompletionResult]::new('--allow-remote', '--allow-remote', [CompletionResultType]::ParameterName, 'Allow a non-loopback --listen address (anyone who can reach it can use the fake account)')
            [CompletionResult]::new('--reset', '--reset', [CompletionResultType]::ParameterName, 'Restore the seeded account and exit')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No spinner or progress bar')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only results and errors: no progress, no "submitted job" lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only results and errors: no progress, no "submitted job" lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Talk to the built-in emulator instead of a cloud (no account needed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ims-share;help' {
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'Accept images shared with you, and wait until IMS has done it')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Reject images shared with you (they stay usable but leave your image list)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the images shared with you, one image''s membership, or jobs')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait for IMS jobs to finish and report each image')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Serve the emulator (IMS, Glance and IAM APIs) in the foreground, for testing scripts')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ims-share;help;accept' {
            break
        }
        'ims-share;help;reject' {
            break
        }
        'ims-share;help;status' {
            break
        }
        'ims-share;help;wait' {
            break
        }
        'ims-share;help;sandbox' {
            break
        }
        'ims-share;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
