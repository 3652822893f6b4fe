namespace AiProxy.SemanticEval;

internal static class Program
{
    public static int Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "eval";
        switch (mode)
        {
            case "rss":
                RssProbe.Run(args.Length > 1 ? args[1] : "");
                return 0;
            case "wrapper":
                WrapperCheck.Run();
                return 0;
            default:
                Console.Error.WriteLine("usage: [eval|bench|wrapper]");
                return 2;
        }
    }
}
