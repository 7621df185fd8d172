using System.Runtime.InteropServices;

namespace Analysis.Runtime.Native;

/// <summary>Turns a non-null <c>OrtStatus*</c> into an exception carrying ORT's code and message, and releases it.</summary>
internal static unsafe class OrtStatus
{
    /// <summary>Throws when <paramref name="status"/> is an error; <paramref name="context"/> says what we were doing.</summary>
    public static void Check(nint status, string? context = null)
    {
        if (status == 0) return;
        throw ToException(status, context);
    }

    /// <summary>
    /// Like <see cref="Check"/>, for creating a session: ORT reports some model problems (an opset it does not
    /// support) as a generic failure, and at this point every failure is about the model, so all become bad input.
    /// </summary>
    public static void CheckModelLoad(nint status, string context)
    {
        if (status == 0) return;
        var error = ToException(status, context);
        if (error is OrtException { Code: OrtErrorCode.Fail } failure) throw new InvalidDataException(failure.Message, failure);
        throw error;
    }

    /// <summary>Reads and releases <paramref name="status"/>, returning the matching exception.</summary>
    public static Exception ToException(nint status, string? context)
    {
        var code = OrtApi.GetErrorCode(status);
        var message = Marshal.PtrToStringUTF8((nint)OrtApi.GetErrorMessage(status)) ?? "(no message)";
        OrtApi.ReleaseStatus(status);
        return OrtException.Create(code, message, context);
    }
}
