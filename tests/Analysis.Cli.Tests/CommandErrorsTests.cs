using Analysis.Onnx;
using Analysis.Parquet;
using Analysis.Runtime;
using Analysis.Tokenizers;

namespace Analysis.Cli.Tests;

/// <summary>Exit 2 is for our own bad-input exceptions only; a bare ArgumentException or InvalidDataException is our bug (exit 1).</summary>
public class CommandErrorsTests
{
    [Fact]
    public void OnlyOurOwnBadInputExceptionsAreTheUsersFault()
    {
        Exception[] users =
        [
            new BadInputException("x"), new UserInputException("x"), new OnnxFormatException("x"), new HookPatternException("x"),
            new UnknownTensorException("t", "g"), new TokenizerFormatException("x"), new ParquetFormatException("x"),
            new DeviceUnavailableException("x"), new FileNotFoundException("x"),
        ];
        foreach (var e in users) Assert.True(CommandErrors.IsBadInput(e), e.GetType().Name);
        Exception[] bugs = [new ArgumentException("x"), new InvalidDataException("x"), new ArgumentOutOfRangeException("x"), new InvalidOperationException("x")];
        foreach (var e in bugs) Assert.False(CommandErrors.IsBadInput(e), e.GetType().Name);
    }

    /// <summary>A real ORT rejection of a model (not ONNX at all) is the user's fault: the runtime wraps ORT's error.</summary>
    [Fact]
    public void OnnxRuntimeRejectingAModelIsBadInput()
    {
        var e = Assert.ThrowsAny<Exception>(() => InferenceSession.FromBytes("not a model"u8.ToArray()));
        Assert.True(CommandErrors.IsBadInput(e), e.ToString());
    }
}
