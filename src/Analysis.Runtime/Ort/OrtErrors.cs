using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace Analysis.Runtime.Ort;

/// <summary>
/// Turns the official binding's <see cref="OnnxRuntimeException"/> into our exceptions. It carries ORT's error code only
/// in its message ("[ErrorCode:InvalidArgument] ..."), so the code is read back from there.
/// </summary>
internal static partial class OrtErrors
{
    /// <summary>Runs <paramref name="call"/>, translating ORT's exception; <paramref name="context"/> says what we were doing.</summary>
    public static T Call<T>(Func<T> call, string? context = null)
    {
        try
        {
            return call();
        }
        catch (OnnxRuntimeException e)
        {
            throw Translate(e, context);
        }
    }

    /// <summary>Runs <paramref name="call"/>, translating ORT's exception.</summary>
    public static void Call(Action call, string? context = null)
    {
        try
        {
            call();
        }
        catch (OnnxRuntimeException e)
        {
            throw Translate(e, context);
        }
    }

    /// <summary>
    /// Like <see cref="Call{T}"/>, for creating a session: ORT reports some model problems (an opset it does not support)
    /// as a generic failure, and at this point every failure is about the model, so all become bad input.
    /// </summary>
    public static T LoadModel<T>(Func<T> call, string context)
    {
        try
        {
            return call();
        }
        catch (OnnxRuntimeException e)
        {
            var error = Translate(e, context);
            if (error is OrtException { Code: OrtErrorCode.Fail } failure) throw new InvalidDataException(failure.Message, failure);
            throw error;
        }
    }

    /// <summary>Our exception for <paramref name="e"/>: ORT's code and its message without the code prefix.</summary>
    public static Exception Translate(OnnxRuntimeException e, string? context)
    {
        var (code, message) = Parse(e.Message);
        return OrtException.Create(code, message, context);
    }

    /// <summary>Splits "[ErrorCode:Name] message" into the code and ORT's message (Fail when there is no prefix).</summary>
    internal static (OrtErrorCode Code, string Message) Parse(string text)
    {
        var match = Prefix().Match(text);
        if (!match.Success) return (OrtErrorCode.Fail, text);
        var name = match.Groups["name"].Value;
        var code = OfficialCodes is { } official && Enum.TryParse(official, name, out var parsed) ? (OrtErrorCode)Convert.ToInt32(parsed, System.Globalization.CultureInfo.InvariantCulture)
            : Enum.TryParse<OrtErrorCode>(name, out var ours) ? ours
            : int.TryParse(name, out var number) ? (OrtErrorCode)number
            : OrtErrorCode.Fail;
        return (code, text[match.Length..]);
    }

    // The official binding's ErrorCode enum is internal; its names are the ones its messages carry.
    private static readonly Type? OfficialCodes = typeof(OnnxRuntimeException).Assembly.GetType("Microsoft.ML.OnnxRuntime.ErrorCode");

    [GeneratedRegex(@"^\[ErrorCode:(?<name>[^\]]+)\]\s*")]
    private static partial Regex Prefix();
}
