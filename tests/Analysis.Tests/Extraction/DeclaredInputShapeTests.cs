using Analysis.Extraction;
using Analysis.Runtime;

namespace Analysis.Tests.Extraction;

/// <summary>
/// The empty KV cache fed to Optimum decoders is shaped by the model's declared input shapes, which come from the file:
/// a use_cache_branch declared with 10^12 elements, or a past with no free length axis, is refused, not allocated.
/// </summary>
public sealed class DeclaredInputShapeTests
{
    private static readonly ValueMetadata Ids = new("input_ids", ValueKind.Tensor, TensorElementType.Int64, [new(-1, "batch"), new(-1, "sequence")]);

    [Fact]
    public void AHugeUseCacheBranchIsRefusedNotAllocated()
    {
        var branch = new ValueMetadata("use_cache_branch", ValueKind.Tensor, TensorElementType.Bool, [new(1_000_000), new(1_000_000)]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<BadInputException>(() => new ModelInputs([Ids, branch]).Build([[1, 2, 3]], 3, 0));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("use_cache_branch", e.Message);
    }

    [Fact]
    public void APastWithAFixedLengthIsRefused()
    {
        var past = new ValueMetadata("past_key_values.0.key", ValueKind.Tensor, TensorElementType.Float, [new(1), new(4), new(1_000_000), new(16)]);
        Assert.Contains("fixed shape", Assert.Throws<BadInputException>(() => new ModelInputs([Ids, past]).Build([[1, 2, 3]], 3, 0)).Message);
    }

    [Fact]
    public void TheOptimumShapesStillGiveAnEmptyCache()
    {
        var past = new ValueMetadata("past_key_values.0.key", ValueKind.Tensor, TensorElementType.Float, [new(-1, "batch"), new(4), new(-1, "past"), new(16)]);
        var branch = new ValueMetadata("use_cache_branch", ValueKind.Tensor, TensorElementType.Bool, [new(1)]);
        var inputs = new ModelInputs([Ids, past, branch]).Build([[1, 2, 3], [4, 5, 6]], 3, 0);
        Assert.Equal([2L, 4, 0, 16], inputs["past_key_values.0.key"].Shape);
        Assert.Equal([1L], inputs["use_cache_branch"].Shape);
    }
}
