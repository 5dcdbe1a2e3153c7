# Regenerates event-templates.json from the captured FreeSWITCH 1.10.12 traffic:
#   python3 test/fakes/esl/extract-templates.py ../shared/fixtures/esl > test/fakes/esl/event-templates.json
# One real event per name, header order kept, values decoded, variable_* lines replaced by a
# single "variable_*" marker (the fake fills in its channel's variables there).
import json, sys, glob, os, urllib.parse
src = sys.argv[1]
wanted = {}
order = ['outbound-caller-hangup', 'outbound-dtmf-menu', 'record', 'originate-failures', 'app-down', 'inbound-auth', 'bridge-eavesdrop']
def dec(v):
    return urllib.parse.unquote(v, errors='strict')
for name in order:
    for line in open(os.path.join(src, name + '.jsonl')):
        r = json.loads(line)
        if r['dir'] != 'recv':
            continue
        if r['content_type'] == 'text/event-plain':
            block = r['body'].split('\n\n')[0]
        elif r['content_type'] == 'command/reply' and r['raw'].startswith('Event-Name: CHANNEL_DATA'):
            block = r['raw'].split('\n\n')[0]
        elif r['content_type'] == 'text/event-json':
            obj = json.loads(r['body'])
            block = '\n'.join(k + ': ' + urllib.parse.quote(v, safe="'(),-./_ ") for k, v in obj.items() if k != '_body')
        else:
            continue
        headers = []
        marker = False
        for l in block.split('\n'):
            k, v = l.split(': ', 1) if ': ' in l else (l.rstrip(':'), '')
            if k.startswith('variable_'):
                if not marker:
                    headers.append(['variable_*', ''])
                    marker = True
                continue
            if k in ('Content-Length', 'Content-Type', 'Reply-Text', 'Socket-Mode', 'Control'):
                continue
            headers.append([k, dec(v)])
        ev = dict(headers)['Event-Name']
        if ev not in wanted:
            wanted[ev] = {'source': name + '.jsonl#' + str(r['seq']), 'headers': headers}
json.dump(wanted, sys.stdout, indent=0)
