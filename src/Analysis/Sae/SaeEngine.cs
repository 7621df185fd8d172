using Analysis.Runtime;

namespace Analysis.Sae;

/// <summary>What runs the training step.</summary>
public enum SaeEngine
{
    /// <summary>Sparse SIMD managed code (<see cref="SaeTrainer"/>): the CPU's fastest; CPU only.</summary>
    Simd,
    /// <summary>Dense ONNX graphs run by ONNX Runtime (<see cref="OnnxSaeTrainer"/>): the same graphs on the CPU and on CUDA.</summary>
    Onnx,
}

/// <summary>Engine names on the command line and the choice between them.</summary>
public static class SaeEngines
{
    /// <summary>The command-line name: simd or onnx.</summary>
    public static string Name(this SaeEngine e) => e == SaeEngine.Onnx ? "onnx" : "simd";

    /// <summary>Parses simd or onnx (case-insensitive).</summary>
    public static SaeEngine Parse(string name) => name.ToLowerInvariant() switch
    {
        "simd" => SaeEngine.Simd,
        "onnx" => SaeEngine.Onnx,
        _ => throw new BadInputException($"Unknown SAE engine '{name}'; use simd (CPU) or onnx (CPU or CUDA)."),
    };

    /// <summary>
    /// The device and engine a request runs on: auto becomes cuda:0 when CUDA's libraries are all present, else cpu; the
    /// engine defaults to simd on the CPU and onnx on CUDA; simd on CUDA is refused, and CUDA without its libraries throws
    /// DeviceUnavailableException before anything is written.
    /// </summary>
    public static (Device Device, SaeEngine Engine) Resolve(Device requested, SaeEngine? engine)
    {
        var device = requested.Kind == DeviceKind.Auto ? CudaLibraries.Check().FirstMissing is null ? Device.Cuda() : Device.Cpu : requested;
        var chosen = engine ?? (device.Kind == DeviceKind.Cuda ? SaeEngine.Onnx : SaeEngine.Simd);
        if (chosen == SaeEngine.Simd && device.Kind == DeviceKind.Cuda)
            throw new BadInputException($"--engine simd runs on the CPU only; use --engine onnx for --device {device}, or --device cpu.");
        if (device.Kind == DeviceKind.Cuda && CudaLibraries.Check().FirstMissing is { } missing)
            throw new DeviceUnavailableException(CudaLibraries.Explain(device, missing));
        return (device, chosen);
    }
}
