//! gRPC's message framing and the one protobuf message of bench.proto, by hand.
//!
//! `Payload { bytes body = 1; }` is the only message the service carries, so instead of
//! prost-generated code this module decodes and encodes it directly, following the protobuf
//! wire format: it skips unknown fields, lets the last `body` win and refuses malformed input,
//! as generated code does. Pure: no I/O, unit-tested below.

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// The length prefix in front of every gRPC message: a compressed flag and a big-endian u32.
pub const PREFIX_LEN: usize = 5;

/// The most `take_message` reserves ahead of data that has not arrived.
const MAX_RESERVE: usize = 1 << 20;

/// Why a request's bytes are not a valid bench.Payload in gRPC framing.
#[derive(Debug, PartialEq, Eq)]
pub enum CodecError {
    /// The compressed flag was set, but no `grpc-encoding` is accepted: nothing can decode it.
    Compressed,
    /// The request ended inside a message (a prefix or body cut short).
    Truncated,
    /// The message is not a well-formed protobuf encoding of bench.Payload.
    Malformed(&'static str),
}

impl CodecError {
    /// The words that go into `grpc-message`.
    pub fn describe(&self) -> &'static str {
        match self {
            CodecError::Compressed => "compressed messages are not supported (no grpc-encoding is accepted)",
            CodecError::Truncated => "the request ended inside a message",
            CodecError::Malformed(why) => why,
        }
    }
}

/// Splits one whole length-prefixed message off the front of `pending`, or returns `None`
/// while more bytes are needed (reserving room for them, so the message arrives in one buffer).
/// The reservation is capped at 1 MiB, the stream's flow-control window: a peer cannot send
/// more before it is read, and a prefix claiming 4 GiB must not allocate 4 GiB up front.
pub fn take_message(pending: &mut BytesMut) -> Result<Option<Bytes>, CodecError> {
    if pending.len() < PREFIX_LEN {
        return Ok(None);
    }
    if pending[0] != 0 {
        return Err(CodecError::Compressed);
    }
    let length = u32::from_be_bytes([pending[1], pending[2], pending[3], pending[4]]) as usize;
    if pending.len() < PREFIX_LEN + length {
        pending.reserve((PREFIX_LEN + length - pending.len()).min(MAX_RESERVE));
        return Ok(None);
    }
    pending.advance(PREFIX_LEN);
    Ok(Some(pending.split_to(length).freeze()))
}

/// The one message of a unary request: exactly one whole message and nothing after it.
pub fn single_message(request: Bytes) -> Result<Bytes, CodecError> {
    let mut pending = BytesMut::from(&request[..]);
    match take_message(&mut pending)? {
        Some(message) if pending.is_empty() => Ok(message),
        Some(_) => Err(CodecError::Malformed("a unary request carried more than one message")),
        None if request.is_empty() => Err(CodecError::Malformed("a unary request carried no message")),
        None => Err(CodecError::Truncated),
    }
}

/// Decodes a bench.Payload and returns its `body` (a slice of `message`, not a copy).
pub fn decode_payload(message: &Bytes) -> Result<Bytes, CodecError> {
    let mut body = Bytes::new();
    let mut cursor = &message[..];
    while !cursor.is_empty() {
        let key = read_varint(&mut cursor)?;
        let field = key >> 3;
        if field == 0 {
            return Err(CodecError::Malformed("a protobuf field number was 0"));
        }
        match key & 7 {
            0 => {
                if field == 1 {
                    return Err(CodecError::Malformed("Payload.body (field 1) had wire type 0, not 2"));
                }
                read_varint(&mut cursor)?;
            }
            1 => skip(&mut cursor, 8, field)?,
            2 => {
                let length = read_varint(&mut cursor)?;
                if length > cursor.len() as u64 {
                    return Err(CodecError::Malformed("a length-delimited field ran past the message"));
                }
                let start = message.len() - cursor.len();
                if field == 1 {
                    body = message.slice(start..start + length as usize);
                }
                cursor.advance(length as usize);
            }
            5 => skip(&mut cursor, 4, field)?,
            _ => return Err(CodecError::Malformed("a protobuf field had an unknown or group wire type")),
        }
    }
    Ok(body)
}

/// One gRPC message, prefix included, holding `Payload { body }`. An empty body is not
/// written at all, as proto3 does for a field at its default.
pub fn encode_reply(body: &[u8]) -> Bytes {
    let message_len = if body.is_empty() { 0 } else { 1 + varint_len(body.len() as u64) + body.len() };
    let mut frame = BytesMut::with_capacity(PREFIX_LEN + message_len);
    frame.put_u8(0);
    frame.put_u32(message_len as u32);
    if !body.is_empty() {
        frame.put_u8(0x0a); // field 1, wire type 2
        put_varint(&mut frame, body.len() as u64);
        frame.put_slice(body);
    }
    frame.freeze()
}

fn skip(cursor: &mut &[u8], count: usize, field: u64) -> Result<(), CodecError> {
    if field == 1 {
        return Err(CodecError::Malformed("Payload.body (field 1) had a fixed-width wire type, not 2"));
    }
    if cursor.len() < count {
        return Err(CodecError::Malformed("a fixed-width field ran past the message"));
    }
    cursor.advance(count);
    Ok(())
}

fn read_varint(cursor: &mut &[u8]) -> Result<u64, CodecError> {
    let mut value = 0u64;
    for index in 0..10 {
        let (&byte, rest) = match cursor.split_first() {
            Some(split) => split,
            None => return Err(CodecError::Malformed("a varint ran past the message")),
        };
        *cursor = rest;
        value |= u64::from(byte & 0x7f) << (7 * index);
        if byte < 0x80 {
            return Ok(value);
        }
    }
    Err(CodecError::Malformed("a varint was longer than 10 bytes"))
}

fn varint_len(value: u64) -> usize {
    (64 - (value | 1).leading_zeros() as usize + 6) / 7
}

fn put_varint(buffer: &mut BytesMut, mut value: u64) {
    while value >= 0x80 {
        buffer.put_u8((value as u8) | 0x80);
        value >>= 7;
    }
    buffer.put_u8(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(message: &[u8]) -> BytesMut {
        let mut frame = BytesMut::new();
        frame.put_u8(0);
        frame.put_u32(message.len() as u32);
        frame.put_slice(message);
        frame
    }

    #[test]
    fn replies_round_trip_for_every_varint_width() {
        for size in [0usize, 1, 127, 128, 16_383, 16_384, 70_000] {
            let body: Vec<u8> = (0..size).map(|index| index as u8).collect();
            let mut pending = BytesMut::from(&encode_reply(&body)[..]);
            let message = take_message(&mut pending).unwrap().unwrap();
            assert!(pending.is_empty());
            assert_eq!(message.len(), if size == 0 { 0 } else { 1 + varint_len(size as u64) + size });
            assert_eq!(decode_payload(&message).unwrap(), body);
        }
    }

    #[test]
    fn messages_split_across_chunks_wait_for_the_rest() {
        let whole = framed(b"\x0a\x03abc");
        let mut pending = BytesMut::from(&whole[..3]);
        assert_eq!(take_message(&mut pending), Ok(None));
        pending.extend_from_slice(&whole[3..6]);
        assert_eq!(take_message(&mut pending), Ok(None));
        pending.extend_from_slice(&whole[6..]);
        pending.extend_from_slice(&framed(b"")[..]);
        assert_eq!(take_message(&mut pending).unwrap().unwrap(), &b"\x0a\x03abc"[..]);
        assert_eq!(take_message(&mut pending).unwrap().unwrap(), &b""[..]);
        assert!(pending.is_empty());
    }

    #[test]
    fn a_huge_length_prefix_does_not_reserve_its_claim() {
        let mut pending = BytesMut::from(&b"\x00\xff\xff\xff\xff\x0a"[..]);
        assert_eq!(take_message(&mut pending), Ok(None));
        assert!(pending.capacity() <= MAX_RESERVE + 16, "reserved {}", pending.capacity());
    }

    #[test]
    fn unknown_fields_are_skipped_and_the_last_body_wins() {
        // field 2 varint, field 3 fixed64, field 1 "x", field 4 fixed32, field 5 bytes, field 1 "yz"
        let message = Bytes::from_static(b"\x10\x96\x01\x19\x01\x02\x03\x04\x05\x06\x07\x08\x0a\x01x\x25\x01\x02\x03\x04\x2a\x00\x0a\x02yz");
        assert_eq!(decode_payload(&message).unwrap(), &b"yz"[..]);
    }

    #[test]
    fn malformed_input_is_refused() {
        for bad in [&b"\x0a\x05ab"[..], b"\x0a", b"\x08\x01", b"\x0b", b"\x00\x01", b"\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"] {
            assert!(matches!(decode_payload(&Bytes::copy_from_slice(bad)), Err(CodecError::Malformed(_))), "{bad:?}");
        }
        let mut compressed = framed(b"");
        compressed[0] = 1;
        assert_eq!(take_message(&mut compressed), Err(CodecError::Compressed));
    }

    #[test]
    fn a_unary_request_holds_exactly_one_message() {
        assert_eq!(single_message(framed(b"\x0a\x01z").freeze()).unwrap(), &b"\x0a\x01z"[..]);
        assert!(matches!(single_message(Bytes::new()), Err(CodecError::Malformed(_))));
        assert_eq!(single_message(Bytes::copy_from_slice(&framed(b"\x0a\x01z")[..6])), Err(CodecError::Truncated));
        let mut two = framed(b"");
        two.extend_from_slice(&framed(b"")[..]);
        assert!(matches!(single_message(two.freeze()), Err(CodecError::Malformed(_))));
    }
}
