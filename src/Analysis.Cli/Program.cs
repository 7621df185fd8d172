using Analysis.Cli;

return await CommandLine.RunAsync(args);
