using AiProxy.Caching.Semantic;

namespace AiProxy.Tests.Caching.Semantic;

public sealed class GuardTests
{
    private static bool Rejects(ISemanticGuard guard, string a, string b) =>
        guard.Rejects(GuardText.Parse(a), GuardText.Parse(b)) | guard.Rejects(GuardText.Parse(b), GuardText.Parse(a));

    [Theory]
    [InlineData("How do I delete a file in Linux?", "How do I NOT delete a file in Linux?")]
    [InlineData("How do I turn on dark mode?", "How do I turn off dark mode?")]
    [InlineData("Is port 6379 open?", "Is port 6379 closed?")]
    [InlineData("How do I enable 2FA?", "How do I disable 2FA?")]
    [InlineData("Coffee with milk", "Coffee without milk")]
    [InlineData("Why does my car start?", "Why won't my car start?")]
    [InlineData("How do I allow cookies?", "How do I block cookies?")]
    [InlineData("How do I add a user to the group?", "How do I remove a user from the group?")]
    [InlineData("Is it true that cats see color?", "Is it false that cats see color?")]
    [InlineData("What are the advantages of remote work?", "What are the disadvantages of remote work?")]
    public void Negation_NearMiss_Rejects(string a, string b) => Assert.True(Rejects(new NegationGuard(), a, b));

    [Theory]
    [InlineData("How do I enable dark mode?", "How do I turn on dark mode?")]
    [InlineData("How do I disable notifications on Android?", "How do I turn off notifications on Android?")]
    [InlineData("Why doesn't my code compile?", "Why does my code not compile?")]
    [InlineData("I can't log in, what should I do?", "I cannot log in. What should I do?")]
    [InlineData("How do I delete a file in Linux?", "What's the command to remove a file on Linux?")]
    public void Negation_Paraphrase_Accepts(string a, string b) => Assert.False(Rejects(new NegationGuard(), a, b));

    [Theory]
    [InlineData("Install Python 3.11", "Install Python 3.12")]
    [InlineData("Convert 5 miles to km", "Convert 50 miles to km")]
    [InlineData("Allocate 512 MB of heap", "Allocate 512 GB of heap")]
    [InlineData("Set a timeout of 30 seconds", "Set a timeout of 30 minutes")]
    [InlineData("Weather in Paris in March", "Weather in Paris in April")]
    [InlineData("Explain IPv4", "Explain IPv6")]
    [InlineData("Is 1GB enough?", "Is 10GB enough?")]
    [InlineData("What happens on Monday?", "What happens on Friday?")]
    [InlineData("Plan a two day trip", "Plan a three day trip")]
    public void Numbers_NearMiss_Rejects(string a, string b) => Assert.True(Rejects(new NumberGuard(), a, b));

    [Theory]
    [InlineData("Convert 5 miles to kilometers.", "How many kilometers are in 5 miles?")]
    [InlineData("Plan a 2 day trip", "Plan a two day trip")]
    [InlineData("Count to 1,000", "Count to 1000")]
    [InlineData("Timeout of 5 minutes", "Timeout of 5 min")]
    [InlineData("May I ask how to sort a list?", "How do I sort a list?")]
    [InlineData("Which one is better?", "Which is better?")]
    public void Numbers_Paraphrase_Accepts(string a, string b) => Assert.False(Rejects(new NumberGuard(), a, b));

    [Theory]
    [InlineData("What is the capital of France?", "What is the capital of Germany?")]
    [InlineData("How do I use useEffect in React?", "How do I use useState in React?")]
    [InlineData("How do I set max_connections?", "How do I set shared_buffers?")]
    [InlineData("What does /etc/hosts do?", "What does /etc/resolv.conf do?")]
    [InlineData("What does `git stash pop` do?", "What does `git stash apply` do?")]
    [InlineData("How do I use pandas.read_csv?", "How do I use pandas.read_excel?")]
    [InlineData("Compare AWS and Azure", "Compare AWS and GCP")]
    [InlineData("Fix \"Module not found: lodash\"", "Fix \"Module not found: axios\"")]
    public void Entities_NearMiss_Rejects(string a, string b) => Assert.True(Rejects(new EntityGuard(), a, b));

    [Theory]
    [InlineData("In Python, how do I sort a dict?", "How do I sort a dict in Python?")]
    [InlineData("Python: how do I sort a dict?", "how do i sort a dict in python")]
    [InlineData("What is the capital of Australia?", "Which city is Australia's capital?")]
    [InlineData("How To Reset My Password", "how to reset my password")]
    [InlineData("OK so how do I update Homebrew?", "How do I update Homebrew?")]
    [InlineData("HOW DO I RESET MY PASSWORD", "How do I reset my password?")]
    [InlineData("What is the big-O of binary search?", "What is the complexity of binary search?")]
    public void Entities_Paraphrase_Accepts(string a, string b) => Assert.False(Rejects(new EntityGuard(), a, b));

    [Theory]
    [InlineData("How do I convert Celsius to Fahrenheit?", "How do I convert Fahrenheit to Celsius?")]
    [InlineData("Translate from English to French", "Translate from French to English")]
    [InlineData("Is Python faster than Java?", "Is Java faster than Python?")]
    [InlineData("Flight time from London to New York", "Flight time from New York to London")]
    [InlineData("Sort in ascending order", "Sort in descending order")]
    [InlineData("Take it before meals", "Take it after meals")]
    [InlineData("Get the first element", "Get the last element")]
    [InlineData("Find the maximum value", "Find the minimum value")]
    [InlineData("Which is bigger, the sun or the moon?", "Which is smaller, the sun or the moon?")]
    public void Ordering_NearMiss_Rejects(string a, string b) => Assert.True(Rejects(new OrderingGuard(), a, b));

    [Theory]
    [InlineData("How do I call a REST API from C# with HttpClient?", "How can I use HttpClient in C# to call a REST API?")]
    [InlineData("In Java, how do I convert a string to an int?", "How do I convert a string to an int in Java?")]
    [InlineData("What are the differences between renting and buying?", "What are the differences between buying and renting?")]
    public void Ordering_Paraphrase_Accepts(string a, string b) => Assert.False(Rejects(new OrderingGuard(), a, b));

    [Theory]
    [InlineData("How do I delete a file in Linux?", "Wie lösche ich eine Datei unter Linux?")]
    [InlineData("What is the capital of France?", "Quelle est la capitale de la France ?")]
    [InlineData("How do I boil an egg?", "如何煮鸡蛋？")]
    [InlineData("What is the weather like today?", "Какая сегодня погода?")]
    [InlineData("How do I reset my password?", "パスワードをリセットするにはどうすればいいですか？")]
    public void Language_DifferentLanguage_Rejects(string a, string b) => Assert.True(Rejects(new LanguageGuard(), a, b));

    [Theory]
    [InlineData("How do I delete a file in Linux?", "What is the command to remove a file on Linux?")]
    [InlineData("kubectl rollout restart", "How do I restart a deployment in Kubernetes?")]
    [InlineData("Wie lösche ich eine Datei?", "Wie entferne ich eine Datei?")]
    public void Language_SameOrUnknownLanguage_Accepts(string a, string b) => Assert.False(Rejects(new LanguageGuard(), a, b));

    [Theory]
    [InlineData(0.95f, 0.94f, 0.9, true)]
    [InlineData(0.95f, 0.92f, 0.9, false)]
    [InlineData(0.95f, 0.89f, 0.9, false)]
    [InlineData(0.95f, -1f, 0.9, false)]
    public void Margin_RunnerUpWithinMargin_Rejects(float best, float runnerUp, double threshold, bool expected) =>
        Assert.Equal(expected, new MarginGuard(0.02).Rejects(best, runnerUp, threshold));

    [Fact]
    public void SemanticGuards_AllOff_AcceptsEverything()
    {
        var guards = new SemanticGuards(new SemanticGuardSettings { Negation = false, Numbers = false, Entities = false, Ordering = false, Language = false });

        Assert.False(guards.Any);
        Assert.Null(guards.FindRejection("Convert 5 USD to EUR", "Do not convert 50 EUR to USD"));
    }

    [Fact]
    public void SemanticGuards_OneOn_NamesItsReason()
    {
        var guards = new SemanticGuards(new SemanticGuardSettings { Negation = false, Numbers = true, Entities = false, Ordering = false, Language = false });

        Assert.Equal(SemanticReasons.Numbers, guards.FindRejection("Install Python 3.11", "Install Python 3.12"));
        Assert.Null(guards.FindRejection("Turn on dark mode", "Turn off dark mode"));
    }
}
