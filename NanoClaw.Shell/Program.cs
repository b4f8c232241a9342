using NanoClaw.Shell.Cli;

return await CliApp.RunAsync(args);
