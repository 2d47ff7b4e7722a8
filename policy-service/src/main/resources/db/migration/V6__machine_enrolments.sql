-- Each developer machine's Ed25519 public key, bound to the identity that enrolled it (from that identity's token).
-- A revoked machine gets no bundle, and its events are refused: revocation is kept, never deleted.
create table machine_enrolment (
    machine_id    text        primary key,
    public_key    text        not null,
    key_id        text        not null,
    email         text        not null,
    enrolled_at   timestamptz not null,
    revoked_at    timestamptz,
    revoked_by    text,
    revoke_reason text
);
