using System.CommandLine;

namespace Analysis.Cli;

/// <summary>
/// Runs a command's body and turns exceptions into one clear sentence and an exit code: bad input is 2, anything else
/// is 1. Bad input is only what our own layers throw to say so: <see cref="BadInputException"/> (the library),
/// <see cref="UserInputException"/> (the command line), <see cref="Analysis.Onnx.OnnxFormatException"/>,
/// <see cref="Analysis.Onnx.HookPatternException"/> and <see cref="Analysis.Onnx.UnknownTensorException"/> (models, hook
/// maps, hook and tensor names), <see cref="Analysis.Tokenizers.TokenizerFormatException"/>,
/// <see cref="Analysis.Parquet.ParquetFormatException"/>, ONNX Runtime's rejections of a model or an argument
/// (<see cref="Analysis.Runtime.OrtArgumentException"/>, an <see cref="InvalidDataException"/> carrying an ORT error, and
/// <see cref="Analysis.Runtime.DeviceUnavailableException"/>), and a path the user named that is missing or unreadable.
/// A bare <see cref="ArgumentException"/> or <see cref="InvalidDataException"/> is a bug in our code (exit 1), not the user's fault.
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
    public static bool IsBadInput(Exception e) => e is UserInputException or BadInputException
        or Analysis.Onnx.OnnxFormatException or Analysis.Onnx.HookPatternException or Analysis.Onnx.UnknownTensorException
        or Analysis.Tokenizers.TokenizerFormatException or Analysis.Parquet.ParquetFormatException
        or Analysis.Runtime.OrtArgumentException or Analysis.Runtime.DeviceUnavailableException
        or InvalidDataException { InnerException: Analysis.Runtime.IOrtError } // the runtime's "ORT rejected this model"
        or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException;

    /// <summary>Parses a value the user typed with a library parser, whose <see cref="ArgumentException"/> then means the value is wrong.</summary>
    public static T ParseUserValue<T>(Func<T> parse)
    {
        try { return parse(); }
        catch (ArgumentException e) { throw new UserInputException(e.Message, e); }
    }

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
