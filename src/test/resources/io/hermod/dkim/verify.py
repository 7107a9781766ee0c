# Verifies every DKIM signature of each message file with dkimpy, fetching keys over DNS from
# 127.0.0.1:<port>. Prints one line per file: "<file> <True|False> ..." (one per signature).
import sys

import dkim
import dns.resolver

resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = ['127.0.0.1']
resolver.port = int(sys.argv[1])


def dnsfunc(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    try:
        answer = resolver.resolve(name, 'TXT', lifetime=timeout)
    except Exception:
        return None
    return b''.join(list(answer)[0].strings)


for path in sys.argv[2:]:
    with open(path, 'rb') as f:
        message = f.read()
    d = dkim.DKIM(message, minkey=1024)
    count = sum(1 for name, _ in d.headers if name.lower() == b'dkim-signature')
    results = []
    for idx in range(count):
        try:
            results.append(bool(d.verify(idx=idx, dnsfunc=dnsfunc)))
        except Exception as e:
            print('error', path, idx, e, file=sys.stderr)
            results.append(False)
    print(path, *results)
