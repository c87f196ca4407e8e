//! A zip part inflated on a second thread while this one parses it. Inflating the sheet was
//! 15 % of reading a 100,000-response workbook, on a core that was otherwise idle.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Bytes handed over at a time.
const PIECE: usize = 256 * 1024;

/// Pieces read ahead and not yet parsed, at most.
const PIECES_IN_FLIGHT: usize = 4;

/// Runs `consume` on the bytes of `source`, read ahead on a second thread when the machine has
/// more than one core.
pub fn with_read_ahead<S: Read + Send, T>(
    mut source: S,
    consume: impl FnOnce(&mut dyn Read) -> T,
) -> T {
    if crate::cores::available() < 2 {
        return consume(&mut source);
    }
    std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel(PIECES_IN_FLIGHT);
        // Pieces the parser has finished with come back, so no more are allocated.
        let (returner, returned) = sync_channel::<Vec<u8>>(PIECES_IN_FLIGHT + 1);
        scope.spawn(move || {
            loop {
                let mut piece = returned.try_recv().unwrap_or_default();
                piece.resize(PIECE, 0);
                let read = fill(&mut source, &mut piece);
                let done = !matches!(read, Ok(length) if length == PIECE);
                let sent = read.map(|length| {
                    piece.truncate(length);
                    piece
                });
                // A send fails only when the parser has stopped reading: nothing more to do.
                if sender.send(sent).is_err() || done {
                    return;
                }
            }
        });
        consume(&mut Pieces {
            receiver,
            returner,
            piece: Vec::new(),
            position: 0,
        })
    })
}

/// Reads until `buffer` is full or the source ends.
fn fill(source: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match source.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(length) => filled += length,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// The pieces as they arrive, read as one stream.
struct Pieces {
    receiver: Receiver<io::Result<Vec<u8>>>,
    returner: SyncSender<Vec<u8>>,
    piece: Vec<u8>,
    position: usize,
}

impl Read for Pieces {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.position == self.piece.len() {
            match self.receiver.recv() {
                Ok(next) => {
                    let finished = std::mem::replace(&mut self.piece, next?);
                    // When the reader has enough spare pieces or has stopped, it is dropped.
                    let _ = self.returner.try_send(finished);
                    self.position = 0;
                    if self.piece.is_empty() {
                        return Ok(0);
                    }
                }
                // The reading thread has finished: the stream has ended.
                Err(_) => return Ok(0),
            }
        }
        let length = buffer.len().min(self.piece.len() - self.position);
        buffer[..length].copy_from_slice(&self.piece[self.position..self.position + length]);
        self.position += length;
        Ok(length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_read_ahead_are_the_bytes_of_the_source() {
        for length in [0, 1, PIECE - 1, PIECE, PIECE + 1, 3 * PIECE + 17] {
            let source: Vec<u8> = (0..length)
                .map(|index| u8::try_from(index % 251).unwrap_or(0))
                .collect();
            let read = with_read_ahead(source.as_slice(), |input| {
                let mut read = Vec::new();
                input.read_to_end(&mut read).map(|_| read)
            })
            .expect("reads");
            assert_eq!(read, source, "{length} bytes");
        }
    }

    #[test]
    fn a_failed_read_reaches_the_parser() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("damaged entry"))
            }
        }
        let outcome = with_read_ahead(Failing, |input| input.read_to_end(&mut Vec::new()));
        assert_eq!(outcome.expect_err("fails").to_string(), "damaged entry");
    }
}
