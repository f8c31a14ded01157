#!/usr/bin/env python3
"""Runs python-tuf's own verifier (ngclient's TrustedMetadataSet) over the fixtures: python check_with_python_tuf.py *.zip"""
import sys, zipfile, re
from tuf.ngclient._internal.trusted_metadata_set import TrustedMetadataSet
from tuf.ngclient.config import EnvelopeType
for name in sys.argv[1:]:
    z = zipfile.ZipFile(name)
    meta = {n.split('metadata/')[1]: z.read(n) for n in z.namelist() if 'metadata/' in n}
    try:
        tms = TrustedMetadataSet(open('trusted-root.json','rb').read(), EnvelopeType.METADATA)
        v = 2
        while f"{v}.root.json" in meta:
            tms.update_root(meta[f"{v}.root.json"]); v += 1
        tms.update_timestamp(meta['timestamp.json'])
        sv = tms.timestamp.snapshot_meta.version
        tms.update_snapshot(meta.get(f"{sv}.snapshot.json") or meta['snapshot.json'])
        tv = tms.snapshot.meta['targets.json'].version
        tms.update_targets(meta.get(f"{tv}.targets.json") or meta['targets.json'])
        print(name, 'ACCEPTED by python-tuf')
    except Exception as e:
        print(name, 'refused by python-tuf:', type(e).__name__, str(e)[:100])
