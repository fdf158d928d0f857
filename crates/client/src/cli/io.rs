//! Where a command reads answers and writes output, so tests can drive every prompt with a buffer.

use crate::error::{ClientError, Result};
use std::io::{BufRead, IsTerminal, Write};
use zeroize::Zeroizing;

/// Input and output of one command. Results go to `out`; prompts, warnings and hints go to `err`, so
/// `-o json` output on stdout stays machine-readable.
pub struct Io<'a> {
    /// Answers to prompts (mnemonics, passphrases, confirmations), one per line.
    pub input: &'a mut dyn BufRead,
    /// Results.
    pub out: &'a mut dyn Write,
    /// Prompts, warnings and hints.
    pub err: &'a mut dyn Write,
    /// Read passphrases from the terminal with echo off; set when standard input is a terminal.
    pub terminal: bool,
}

impl<'a> Io<'a> {
    /// Buffers, as tests use: passphrases are read from `input` like any other line.
    pub fn buffers(
        input: &'a mut dyn BufRead,
        out: &'a mut dyn Write,
        err: &'a mut dyn Write,
    ) -> Self {
        Self {
            input,
            out,
            err,
            terminal: false,
        }
    }

    /// Standard input and output of the process.
    pub fn stdio(
        input: &'a mut std::io::StdinLock<'static>,
        out: &'a mut std::io::StdoutLock<'static>,
        err: &'a mut std::io::StderrLock<'static>,
    ) -> Self {
        let terminal = std::io::stdin().is_terminal();
        Self {
            input,
            out,
            err,
            terminal,
        }
    }

    /// Writes a line of output.
    pub fn println(&mut self, text: impl AsRef<str>) -> Result<()> {
        writeln!(self.out, "{}", text.as_ref()).map_err(|e| ClientError::io("writing output", e))
    }

    /// Writes a line to the error stream (prompts, warnings, hints).
    pub fn eprintln(&mut self, text: impl AsRef<str>) -> Result<()> {
        writeln!(self.err, "{}", text.as_ref())
            .map_err(|e| ClientError::io("writing to standard error", e))
    }

    /// Reads one line (without its line ending); `what` names it in the error at end of input.
    pub fn read_line(&mut self, prompt: &str, what: &str) -> Result<Zeroizing<String>> {
        write!(self.err, "{prompt}")
            .and_then(|()| self.err.flush())
            .map_err(|e| ClientError::io("writing a prompt", e))?;
        let mut line = Zeroizing::new(String::new());
        let n = self
            .input
            .read_line(&mut line)
            .map_err(|e| ClientError::io(format!("reading {what}"), e))?;
        if n == 0 {
            return Err(ClientError::invalid(format!(
                "expected {what} on standard input but it ended; type it at the prompt or pipe it in"
            )));
        }
        let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_string());
        Ok(trimmed)
    }

    /// Reads a secret: from the terminal with echo off when interactive, else one line of input.
    pub fn read_secret(&mut self, prompt: &str, what: &str) -> Result<Zeroizing<String>> {
        if self.terminal {
            return rpassword::prompt_password(prompt)
                .map(Zeroizing::new)
                .map_err(|e| ClientError::io(format!("reading {what} from the terminal"), e));
        }
        self.read_line(prompt, what)
    }

    /// Asks for a new passphrase twice and checks both entries match.
    pub fn new_passphrase(&mut self, what: &str) -> Result<Zeroizing<String>> {
        let first = self.read_secret(
            &format!(
                "Enter a passphrase to encrypt {what} (at least {} characters): ",
                crate::keyring::MIN_PASSPHRASE_LEN
            ),
            "a passphrase",
        )?;
        if first.chars().count() < crate::keyring::MIN_PASSPHRASE_LEN {
            return Err(ClientError::invalid(format!(
                "the passphrase must be at least {} characters long; nothing was saved",
                crate::keyring::MIN_PASSPHRASE_LEN
            )));
        }
        let second = self.read_secret("Re-enter the passphrase: ", "the passphrase again")?;
        if *first != *second {
            return Err(ClientError::invalid(
                "the two passphrases differ; nothing was saved, try again",
            ));
        }
        Ok(first)
    }

    /// Asks a yes/no question; anything but `y` or `yes` is no.
    pub fn confirm(&mut self, question: &str) -> Result<bool> {
        let answer = self.read_line(&format!("{question} [y/N]: "), "a y/N answer")?;
        Ok(matches!(
            answer.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }
}
