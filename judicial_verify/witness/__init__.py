"""The witness: cosigns other logs' checkpoints per C2SP tlog-witness v1 and tlog-cosignature v1."""
