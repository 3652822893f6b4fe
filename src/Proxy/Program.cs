using AiProxy.Cli;
using AiProxy.Configuration;
using AiProxy.Hosting;

if (args.Length > 0 && args[0] == "validate")
{
    return ValidateCommand.Run(args[1..], Console.Out);
}

try
{
    var app = AiProxyApplication.Build(args);
    await app.RunAsync();
    return 0;
}
catch (InvalidConfigException ex)
{
    Console.Error.WriteLine($"{ex.Path}: invalid config, not starting ({ex.Errors.Count} errors)");
    foreach (var error in ex.Errors)
    {
        Console.Error.WriteLine($"  error: {error.Path}: {error.Message}");
    }
    return 1;
}
