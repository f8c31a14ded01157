#!/usr/bin/env python3
"""Builds the signed TUF repositories the upload tests verify, with python-tuf, the TUF reference implementation.

Run from this directory (the fixtures are committed; run it again only to change them):
    python3 -m venv /tmp/tufenv && /tmp/tufenv/bin/pip install tuf==7.0.1 cryptography
    /tmp/tufenv/bin/python make_fixtures.py

Each repository is a zip in tufaceous's layout: repo/metadata/{N.root.json, N.targets.json, N.snapshot.json,
timestamp.json} and repo/targets/<sha256>.<name> (consistent snapshot), with an artifacts.json target as tufaceous
writes it. trusted-root.json is the root every repository here is checked against (1.root.json of the chain);
another-root.json is a root with other keys. canonical-vectors.json holds securesystemslib's canonical form of
tricky documents, byte for byte.
"""
import base64
import copy
import hashlib
import io
import json
import zipfile
from datetime import datetime, timezone

from securesystemslib.formats import encode_canonical
from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import (DelegatedRole, Delegations, MetaFile, Metadata, Root, Snapshot, TargetFile, Targets,
                              Timestamp)
from tuf.api.serialization.json import JSONSerializer

FAR = datetime(2099, 1, 1, tzinfo=timezone.utc)
PAST = datetime(2000, 1, 1, tzinfo=timezone.utc)
PRETTY = JSONSerializer(compact=False)

root_key_1 = CryptoSigner.generate_ed25519()
root_key_2 = CryptoSigner.generate_ed25519()
root_key_3 = CryptoSigner.generate_ecdsa()
targets_key_1 = CryptoSigner.generate_ed25519()
targets_key_2 = CryptoSigner.generate_ecdsa()
snapshot_key = CryptoSigner.generate_rsa()
timestamp_key = CryptoSigner.generate_ecdsa()
stranger = CryptoSigner.generate_ed25519()
stranger_online = CryptoSigner.generate_ed25519()


def sign(signed, *signers):
    md = Metadata(signed)
    for signer in signers:
        md.sign(signer, append=True)
    return md


def make_root(version, root_keys, root_threshold=1, targets_keys=(targets_key_1,), targets_threshold=1,
              snapshot=snapshot_key, timestamp=timestamp_key):
    root = Root(version=version, expires=FAR, consistent_snapshot=True)
    for key in root_keys:
        root.add_key(key.public_key, "root")
    root.roles["root"].threshold = root_threshold
    for key in targets_keys:
        root.add_key(key.public_key, "targets")
    root.roles["targets"].threshold = targets_threshold
    root.add_key(snapshot.public_key, "snapshot")
    root.add_key(timestamp.public_key, "timestamp")
    return root


ROOT_1 = make_root(1, [root_key_1])
ROOT_1_MD = sign(ROOT_1, root_key_1)

ARTIFACTS = {
    "host-fake-host-1.0.0.tar.gz": b"host image bytes\n",
    "os/zones/zone-1.tar.gz": b"a zone whose target name holds slashes\n",
}


def artifacts_json(system_version):
    doc = {"system_version": system_version, "artifacts": [
        {"name": "fake-host", "version": system_version, "kind": "host", "target": "host-fake-host-1.0.0.tar.gz"},
        {"name": "zone-1", "version": system_version, "kind": "zone", "target": "os/zones/zone-1.tar.gz"},
    ]}
    return json.dumps(doc, indent=2).encode()


def repository(name, version=3, system_version="1.0.0", roots=None, targets_signers=(targets_key_1,),
               timestamp_expires=FAR, snapshot_targets_version=None, tamper_targets=False, delegations=False,
               consistent=True, top="repo/", snapshot_signer=snapshot_key, timestamp_signer=timestamp_key):
    """Writes <name>.zip; returns its targets metadata."""
    roots = roots or [ROOT_1_MD]
    files = dict(ARTIFACTS)
    files["artifacts.json"] = artifacts_json(system_version)
    targets = Targets(version=version, expires=FAR)
    for target_name, data in files.items():
        targets.targets[target_name] = TargetFile.from_data(target_name, data, ["sha256"])
    if delegations:
        zones = DelegatedRole(name="zones", keyids=[targets_key_1.public_key.keyid], threshold=1, terminating=True,
                              paths=["zones/*"])
        targets.delegations = Delegations(keys={targets_key_1.public_key.keyid: targets_key_1.public_key},
                                          roles={"zones": zones})
    targets_md = sign(targets, *targets_signers)
    targets_bytes = targets_md.to_bytes(PRETTY)
    if tamper_targets:
        tampered = json.loads(targets_bytes)
        tampered["signed"]["targets"]["artifacts.json"]["custom"] = {"note": "changed after signing"}
        evil = artifacts_json("6.6.6-evil")
        files["artifacts.json"] = evil
        tampered["signed"]["targets"]["artifacts.json"] = {
            "length": len(evil), "hashes": {"sha256": hashlib.sha256(evil).hexdigest()}}
        targets_bytes = json.dumps(tampered, indent=1).encode()
    snapshot = Snapshot(version=version, expires=FAR)
    snapshot.meta["targets.json"] = MetaFile(
        version=snapshot_targets_version or version, length=len(targets_bytes),
        hashes={"sha256": hashlib.sha256(targets_bytes).hexdigest()})
    snapshot_bytes = sign(snapshot, snapshot_signer).to_bytes(PRETTY)
    timestamp = Timestamp(version=version, expires=timestamp_expires,
                          snapshot_meta=MetaFile(version=version, length=len(snapshot_bytes),
                                                 hashes={"sha256": hashlib.sha256(snapshot_bytes).hexdigest()}))
    timestamp_bytes = sign(timestamp, timestamp_signer).to_bytes(PRETTY)
    with zipfile.ZipFile(name + ".zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for root_md in roots:
            root_name = f"{root_md.signed.version}.root.json" if consistent else "root.json"
            archive.writestr(top + "metadata/" + root_name, root_md.to_bytes(PRETTY))
        archive.writestr(top + "metadata/" + (f"{version}.targets.json" if consistent else "targets.json"), targets_bytes)
        archive.writestr(top + "metadata/" + (f"{version}.snapshot.json" if consistent else "snapshot.json"), snapshot_bytes)
        archive.writestr(top + "metadata/timestamp.json", timestamp_bytes)
        for target_name, data in files.items():
            digest = hashlib.sha256(data).hexdigest()
            if consistent:
                head, _, base = target_name.rpartition("/")
                stored = (head + "/" if head else "") + digest + "." + base
            else:
                stored = target_name
            archive.writestr(top + "targets/" + stored, data)
    return targets


def canonical_vectors():
    documents = [
        {"b": 1, "a": [True, False, None], "c": {"z": "", "y": -7}},
        {"quote\"and\\backslash": "tab\tnewline\ncontrol\u0001 del\u007f"},
        {"\u00e9": "\u00e9\u4e2d", "\U0001f600": "emoji", "\uffff": "last of the BMP", "\ue000": "private use"},
        {"deep": [[[{"k": [1, 2, 3]}]]], "big": 18446744073709551616, "neg": -9007199254740993},
        {"": "empty key", "slash/": "/ not escaped"},
    ]
    return [{"document": d, "canonical": base64.b64encode(encode_canonical(d).encode("utf-8")).decode()}
            for d in documents]


def main():
    with open("trusted-root.json", "wb") as f:
        f.write(ROOT_1_MD.to_bytes(PRETTY))
    other = make_root(1, [stranger], targets_keys=(stranger_online,), snapshot=stranger_online,
                      timestamp=stranger_online)
    with open("another-root.json", "wb") as f:
        f.write(sign(other, stranger).to_bytes(PRETTY))

    repository("good-basic", version=3)
    repository("good-flat-layout", version=4, consistent=False, top="")
    # Root rotation: 2.root.json adds two root keys with a threshold of 2 and two targets keys with a threshold of 2;
    # it is signed by 1.root.json's key and by two of its own.
    root_2 = make_root(2, [root_key_1, root_key_2, root_key_3], root_threshold=2,
                       targets_keys=(targets_key_1, targets_key_2), targets_threshold=2)
    root_2_md = sign(root_2, root_key_1, root_key_2, root_key_3)
    repository("good-rotated-threshold-2", version=5, roots=[ROOT_1_MD, root_2_md],
               targets_signers=(targets_key_1, targets_key_2))
    repository("bad-below-threshold", version=6, roots=[ROOT_1_MD, root_2_md], targets_signers=(targets_key_1,))
    rotation_without_new_keys = sign(copy.deepcopy(root_2), root_key_1)
    repository("bad-rotation-below-its-own-threshold", version=6, roots=[ROOT_1_MD, rotation_without_new_keys])
    rotation_by_stranger = sign(copy.deepcopy(root_2), stranger, root_key_2, root_key_3)
    repository("bad-rotation-not-signed-by-trusted-root", version=6, roots=[ROOT_1_MD, rotation_by_stranger])
    repository("bad-tampered-targets", version=7, tamper_targets=True)
    repository("bad-other-root", version=7, roots=[sign(other, stranger)], targets_signers=(stranger_online,),
               snapshot_signer=stranger_online, timestamp_signer=stranger_online)
    repository("bad-missing-signature", version=7, targets_signers=())
    repository("bad-signed-by-stranger", version=7, targets_signers=(stranger,))
    repository("bad-expired-timestamp", version=7, timestamp_expires=PAST)
    repository("bad-snapshot-names-other-targets-version", version=7, snapshot_targets_version=2)
    repository("bad-delegations", version=7, delegations=True)
    # Accepted after good-basic (version 3) only if rollback protection is missing.
    repository("bad-rollback", version=2)
    with open("canonical-vectors.json", "w") as f:
        json.dump(canonical_vectors(), f, indent=1)


if __name__ == "__main__":
    main()
