using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Analysis.Extraction.Sources;

/// <summary>
/// Reads a file line by line as strict UTF-8, so a line that is not valid UTF-8 is reported with its number
/// (a StreamReader would fail somewhere in a block, or silently substitute U+FFFD). Optionally hashes the bytes read.
/// </summary>
internal sealed class Utf8LineReader : IDisposable
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly Stream stream;
    private readonly IncrementalHash? hash;
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int start, end;
    private bool eof;

    public Utf8LineReader(string path, bool computeHash)
    {
        Path = path;
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        if (computeHash) hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The next line without its terminator (\n or \r\n), or null at the end of the file.</summary>
    public string? ReadLine()
    {
        while (true)
        {
            int newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                var line = Decode(start, newline - start);
                start = newline + 1;
                return line;
            }
            if (eof)
            {
                if (start == end) return null;
                var last = Decode(start, end - start);
                start = end;
                return last;
            }
            Fill();
        }
    }

    /// <summary>The SHA-256 of every byte read so far, lower-case hex (call after the last line).</summary>
    public string HashHex()
    {
        if (hash is null) throw new InvalidOperationException("This reader was opened without hashing.");
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private string Decode(int offset, int count)
    {
        LineNumber++;
        if (count > 0 && buffer[offset + count - 1] == (byte)'\r') count--;
        if (LineNumber == 1 && count >= 3 && buffer[offset] == 0xEF && buffer[offset + 1] == 0xBB && buffer[offset + 2] == 0xBF)
        {
            offset += 3; count -= 3; // a UTF-8 byte order mark is not text
        }
        try
        {
            return Strict.GetString(buffer, offset, count);
        }
        catch (DecoderFallbackException)
        {
            throw new BadInputException(
                $"{Path}: line {LineNumber} is not valid UTF-8; convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8) or remove that line.");
        }
    }

    private void Fill()
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            Buffer.BlockCopy(buffer, 0, bigger, 0, end);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = bigger;
        }
        int read = stream.Read(buffer, end, buffer.Length - end);
        if (read == 0) { eof = true; return; }
        hash?.AppendData(buffer, end, read);
        end += read;
    }

    public void Dispose()
    {
        stream.Dispose();
        hash?.Dispose();
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }
}
