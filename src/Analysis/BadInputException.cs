namespace Analysis;

/// <summary>
/// The user's input is wrong: a file, a name or a value they gave. The message is one sentence saying what is wrong,
/// where, and how to fix it; the CLI prints it and exits with code 2. Anything else that escapes is a run-time failure.
/// </summary>
public class BadInputException(string message, Exception? inner = null) : Exception(message, inner);
