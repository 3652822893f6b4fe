namespace AiProxy.Transforms; internal static class Placeholder { }
