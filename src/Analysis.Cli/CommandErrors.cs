using System.CommandLine;

namespace Analysis.Cli;

/// <summary>
/// Runs a command's body and turns exceptions into one clear sentence and an exit code:
/// bad input (corrupt files, wrong names, missing files) is 2, anything else is 1.
/// Library layers signal bad input with <see cref="InvalidDataException"/> (corrupt or unsupported files),
/// <see cref="ArgumentException"/> (wrong names or values), <see cref="FileNotFoundException"/> and
/// <see cref="DirectoryNotFoundException"/>, <see cref="Analysis.Parquet.ParquetFormatException"/> (a corrupt Parquet file),
/// or <see cref="UserInputException"/>; their subclasses count too.
/// </summary>
public static class CommandErrors
{
    /// <summary>Wraps a synchronous command body.</summary>
    public static Func<ParseResult, int> Guard(Func<ParseResult, int> body) => parse =>
    {
        try { return body(parse); }
        catch (Exception e) { return Report(e, parse); }
    };

    /// <summary>Wraps an asynchronous command body.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guard(Func<ParseResult, CancellationToken, Task<int>> body) =>
        async (parse, cancel) =>
        {
            try { return await body(parse, cancel); }
            catch (Exception e) { return Report(e, parse); }
        };

    /// <summary>Whether an exception means the user's input is wrong (exit 2) rather than a run-time failure (exit 1).</summary>
    public static bool IsBadInput(Exception e) => e is UserInputException or InvalidDataException or ArgumentException
        or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
        or Analysis.Parquet.ParquetFormatException; // an IOException: InvalidDataException is sealed

    /// <summary>A run-time failure whose message already says what happened and what to do; a stack trace adds nothing.</summary>
    private static bool IsExplained(Exception e) => e is Analysis.Extraction.Dataset.DiskFullException or InterruptedException;

    private static int Report(Exception e, ParseResult parse)
    {
        var error = parse.InvocationConfiguration.Error;
        var badInput = IsBadInput(e);
        error.WriteLine($"analysis: {e.Message}");
        if (parse.GetValue(CommandLine.Verbose)) error.WriteLine(e.ToString());
        else if (!badInput && !IsExplained(e)) error.WriteLine("Run again with --verbose for the full stack trace.");
        return badInput ? ExitCodes.BadInput : ExitCodes.Failure;
    }
}

/// <summary>The user's input or arguments are wrong; the message says what, where, and how to fix it.</summary>
public sealed class UserInputException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A signal stopped the command before it finished (a run-time failure, exit 1); the message says how to resume.</summary>
public sealed class InterruptedException(string message, Exception? inner = null) : Exception(message, inner);
