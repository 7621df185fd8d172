namespace Analysis.Runtime.Native;

/// <summary>
/// The entries of ONNX Runtime's <c>OrtApi</c> function table that this binding calls, read once from the table
/// that <c>OrtGetApiBase()->GetApi(ORT_API_VERSION)</c> returns. The table only ever grows at its end, so an index
/// is fixed forever; the indices below count the members of <c>struct OrtApi</c> in
/// <c>include/onnxruntime/core/session/onnxruntime_c_api.h</c> (v1.30.0, ORT_API_VERSION 30) from zero.
/// One wrong index is a crash: the conformance and session tests exercise every entry used here.
/// </summary>
internal static unsafe class OrtApi
{
    /// <summary>The API version this binding was written against (ORT_API_VERSION of ONNX Runtime 1.30).</summary>
    public const uint Version = 30;

    public static delegate* unmanaged[Cdecl]<nint, OrtErrorCode> GetErrorCode;                       // 1
    public static delegate* unmanaged[Cdecl]<nint, byte*> GetErrorMessage;                           // 2
    public static delegate* unmanaged[Cdecl]<OrtLogLevel, byte*, nint*, nint> CreateEnv;             // 3
    public static delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint> CreateSession;          // 7
    public static delegate* unmanaged[Cdecl]<nint, void*, nuint, nint, nint*, nint> CreateSessionFromArray; // 8
    public static delegate* unmanaged[Cdecl]<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint> Run; // 9
    public static delegate* unmanaged[Cdecl]<nint*, nint> CreateSessionOptions;                      // 10
    public static delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionLogSeverityLevel;            // 22
    public static delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionGraphOptimizationLevel;      // 23
    public static delegate* unmanaged[Cdecl]<nint, int, nint> SetIntraOpNumThreads;                  // 24
    public static delegate* unmanaged[Cdecl]<nint, int, nint> SetInterOpNumThreads;                  // 25
    public static delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetInputCount;               // 30
    public static delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetOutputCount;              // 31
    public static delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetInputTypeInfo;      // 33
    public static delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;     // 34
    public static delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetInputName;   // 36
    public static delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetOutputName;  // 37
    public static delegate* unmanaged[Cdecl]<nint, long*, nuint, TensorElementType, nint*, nint> CreateTensorAsOrtValue; // 48
    public static delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, TensorElementType, nint*, nint> CreateTensorWithDataAsOrtValue; // 49
    public static delegate* unmanaged[Cdecl]<nint, void**, nint> GetTensorMutableData;               // 51
    public static delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint> FillStringTensor;            // 52
    public static delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetStringTensorDataLength;          // 53
    public static delegate* unmanaged[Cdecl]<nint, void*, nuint, nuint*, nuint, nint> GetStringTensorContent; // 54
    public static delegate* unmanaged[Cdecl]<nint, nint*, nint> CastTypeInfoToTensorInfo;            // 55
    public static delegate* unmanaged[Cdecl]<nint, ValueKind*, nint> GetOnnxTypeFromTypeInfo;        // 56
    public static delegate* unmanaged[Cdecl]<nint, TensorElementType*, nint> GetTensorElementType;   // 60
    public static delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetDimensionsCount;                 // 61
    public static delegate* unmanaged[Cdecl]<nint, long*, nuint, nint> GetDimensions;                // 62
    public static delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint> GetSymbolicDimensions;       // 63
    public static delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetTensorShapeElementCount;         // 64
    public static delegate* unmanaged[Cdecl]<nint, nint*, nint> GetTensorTypeAndShape;               // 65
    public static delegate* unmanaged[Cdecl]<nint, ValueKind*, nint> GetValueType;                   // 67
    public static delegate* unmanaged[Cdecl]<int, int, nint*, nint> CreateCpuMemoryInfo;             // 69
    public static delegate* unmanaged[Cdecl]<nint, void*, nint> AllocatorFree;                       // 76
    public static delegate* unmanaged[Cdecl]<nint*, nint> GetAllocatorWithDefaultOptions;            // 78
    public static delegate* unmanaged[Cdecl]<nint, void> ReleaseEnv;                                 // 92
    public static delegate* unmanaged[Cdecl]<nint, void> ReleaseStatus;                              // 93
    public static delegate* unmanaged[Cdecl]<nint, void> ReleaseMemoryInfo;                          // 94
    public static delegate* unmanaged[Cdecl]<nint, void> ReleaseSession;                             // 95
    public static delegate* unmanaged[Cdecl]<nint, void> ReleaseValue;                               // 96
    public static delegate* unmanaged[Cdecl]<nint, void> ReleaseTypeInfo;                            // 98
    public static delegate* unmanaged[Cdecl]<nint, void> ReleaseTensorTypeAndShapeInfo;              // 99
    public static delegate* unmanaged[Cdecl]<nint, void> ReleaseSessionOptions;                      // 100
    public static delegate* unmanaged[Cdecl]<byte***, int*, nint> GetAvailableProviders;             // 125
    public static delegate* unmanaged[Cdecl]<byte**, int, nint> ReleaseAvailableProviders;           // 126
    public static delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint> AddSessionConfigEntry;        // 130
    public static delegate* unmanaged[Cdecl]<nint, nint, nint, nint> RunWithBinding;                 // 133
    public static delegate* unmanaged[Cdecl]<nint, nint*, nint> CreateIoBinding;                     // 134
    public static delegate* unmanaged[Cdecl]<nint, void> ReleaseIoBinding;                           // 135
    public static delegate* unmanaged[Cdecl]<nint, byte*, nint, nint> BindInput;                     // 136
    public static delegate* unmanaged[Cdecl]<nint, byte*, nint, nint> BindOutput;                    // 137
    public static delegate* unmanaged[Cdecl]<nint, byte*, nint, nint> BindOutputToDevice;            // 138
    public static delegate* unmanaged[Cdecl]<nint, nint, byte**, nuint**, nuint*, nint> GetBoundOutputNames; // 139
    public static delegate* unmanaged[Cdecl]<nint, nint, nint**, nuint*, nint> GetBoundOutputValues; // 140
    public static delegate* unmanaged[Cdecl]<nint, void> ClearBoundInputs;                           // 141
    public static delegate* unmanaged[Cdecl]<nint, void> ClearBoundOutputs;                          // 142
    public static delegate* unmanaged[Cdecl]<nint, int*, nint> HasValue;                             // 192
    public static delegate* unmanaged[Cdecl]<nint, nint, nint> SessionOptionsAppendExecutionProvider_CUDA_V2; // 204
    public static delegate* unmanaged[Cdecl]<nint*, nint> CreateCUDAProviderOptions;                 // 205
    public static delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint> UpdateCUDAProviderOptions; // 206
    public static delegate* unmanaged[Cdecl]<nint, void> ReleaseCUDAProviderOptions;                 // 208

    /// <summary>Reads the entries above from the function table <paramref name="table"/> points to.</summary>
    public static void Bind(void** table)
    {
        GetErrorCode = (delegate* unmanaged[Cdecl]<nint, OrtErrorCode>)table[1];
        GetErrorMessage = (delegate* unmanaged[Cdecl]<nint, byte*>)table[2];
        CreateEnv = (delegate* unmanaged[Cdecl]<OrtLogLevel, byte*, nint*, nint>)table[3];
        CreateSession = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint>)table[7];
        CreateSessionFromArray = (delegate* unmanaged[Cdecl]<nint, void*, nuint, nint, nint*, nint>)table[8];
        Run = (delegate* unmanaged[Cdecl]<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)table[9];
        CreateSessionOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[10];
        SetSessionLogSeverityLevel = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[22];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[23];
        SetIntraOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[24];
        SetInterOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[25];
        SessionGetInputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[30];
        SessionGetOutputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[31];
        SessionGetInputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)table[33];
        SessionGetOutputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)table[34];
        SessionGetInputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)table[36];
        SessionGetOutputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)table[37];
        CreateTensorAsOrtValue = (delegate* unmanaged[Cdecl]<nint, long*, nuint, TensorElementType, nint*, nint>)table[48];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, TensorElementType, nint*, nint>)table[49];
        GetTensorMutableData = (delegate* unmanaged[Cdecl]<nint, void**, nint>)table[51];
        FillStringTensor = (delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint>)table[52];
        GetStringTensorDataLength = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[53];
        GetStringTensorContent = (delegate* unmanaged[Cdecl]<nint, void*, nuint, nuint*, nuint, nint>)table[54];
        CastTypeInfoToTensorInfo = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[55];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged[Cdecl]<nint, ValueKind*, nint>)table[56];
        GetTensorElementType = (delegate* unmanaged[Cdecl]<nint, TensorElementType*, nint>)table[60];
        GetDimensionsCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[61];
        GetDimensions = (delegate* unmanaged[Cdecl]<nint, long*, nuint, nint>)table[62];
        GetSymbolicDimensions = (delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint>)table[63];
        GetTensorShapeElementCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[64];
        GetTensorTypeAndShape = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[65];
        GetValueType = (delegate* unmanaged[Cdecl]<nint, ValueKind*, nint>)table[67];
        CreateCpuMemoryInfo = (delegate* unmanaged[Cdecl]<int, int, nint*, nint>)table[69];
        AllocatorFree = (delegate* unmanaged[Cdecl]<nint, void*, nint>)table[76];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[78];
        ReleaseEnv = (delegate* unmanaged[Cdecl]<nint, void>)table[92];
        ReleaseStatus = (delegate* unmanaged[Cdecl]<nint, void>)table[93];
        ReleaseMemoryInfo = (delegate* unmanaged[Cdecl]<nint, void>)table[94];
        ReleaseSession = (delegate* unmanaged[Cdecl]<nint, void>)table[95];
        ReleaseValue = (delegate* unmanaged[Cdecl]<nint, void>)table[96];
        ReleaseTypeInfo = (delegate* unmanaged[Cdecl]<nint, void>)table[98];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged[Cdecl]<nint, void>)table[99];
        ReleaseSessionOptions = (delegate* unmanaged[Cdecl]<nint, void>)table[100];
        GetAvailableProviders = (delegate* unmanaged[Cdecl]<byte***, int*, nint>)table[125];
        ReleaseAvailableProviders = (delegate* unmanaged[Cdecl]<byte**, int, nint>)table[126];
        AddSessionConfigEntry = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint>)table[130];
        RunWithBinding = (delegate* unmanaged[Cdecl]<nint, nint, nint, nint>)table[133];
        CreateIoBinding = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[134];
        ReleaseIoBinding = (delegate* unmanaged[Cdecl]<nint, void>)table[135];
        BindInput = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint>)table[136];
        BindOutput = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint>)table[137];
        BindOutputToDevice = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint>)table[138];
        GetBoundOutputNames = (delegate* unmanaged[Cdecl]<nint, nint, byte**, nuint**, nuint*, nint>)table[139];
        GetBoundOutputValues = (delegate* unmanaged[Cdecl]<nint, nint, nint**, nuint*, nint>)table[140];
        ClearBoundInputs = (delegate* unmanaged[Cdecl]<nint, void>)table[141];
        ClearBoundOutputs = (delegate* unmanaged[Cdecl]<nint, void>)table[142];
        HasValue = (delegate* unmanaged[Cdecl]<nint, int*, nint>)table[192];
        SessionOptionsAppendExecutionProvider_CUDA_V2 = (delegate* unmanaged[Cdecl]<nint, nint, nint>)table[204];
        CreateCUDAProviderOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[205];
        UpdateCUDAProviderOptions = (delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint>)table[206];
        ReleaseCUDAProviderOptions = (delegate* unmanaged[Cdecl]<nint, void>)table[208];
    }
}
