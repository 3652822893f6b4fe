namespace AiProxy.Caching.Semantic;

/// <summary>
/// Rejects when the prompts differ in how many negations they carry (not, never, no, without, don't, can't…) or take
/// opposite sides of a polarity pair (enable/disable, on/off, open/closed, allow/deny, add/remove, increase/decrease,
/// true/false, show/hide, start/stop…). "How do I delete a file" vs "How do I NOT delete a file" scores 0.93 with
/// all-MiniLM-L6-v2, above real paraphrases, so only a rule can separate them.
/// </summary>
internal sealed class NegationGuard : ISemanticGuard
{
    private static readonly HashSet<string> Negators = new(
        ["not", "no", "never", "none", "nothing", "nobody", "nowhere", "neither", "nor", "without", "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont", "shouldnt", "couldnt", "wouldnt", "havent", "hasnt", "hadnt", "mustnt", "neednt", "except", "excluding", "nein", "nicht", "kein", "keine", "pas", "jamais", "sans", "nunca", "sin", "non", "senza", "não", "sem", "niet", "geen", "нет", "не"],
        StringComparer.Ordinal);

    private static readonly PolarityGroups Groups = new(
        ("enable enabled enables enabling activate activated activates activating on allow allowed allows allowing permit permitted permits unblock unblocked whitelist allowlist",
         "disable disabled disables disabling deactivate deactivated deactivates deactivating off deny denied denies denying block blocked blocks blocking forbid forbidden forbids prevent prevents blacklist blocklist"),
        ("open opened opens opening unlock unlocked unlocks", "close closed closes closing shut lock locked locks"),
        ("add added adds adding insert inserted inserting create created creates creating install installed installs installing include included includes including append appending",
         "remove removed removes removing delete deleted deletes deleting drop dropped drops uninstall uninstalled uninstalls uninstalling exclude excluded excludes erase erased purge purged"),
        ("increase increased increases increasing raise raised raises raising more higher grow grows growing expand expanding maximize maximise upgrade upgraded upgrading",
         "decrease decreased decreases decreasing reduce reduced reduces reducing lower lowered lowering less fewer shrink shrinks shrinking minimize minimise downgrade downgraded downgrading"),
        ("true yes valid correct success successful succeeded pass passed passes positive", "false invalid incorrect failure failed fail fails failing negative"),
        ("show shows showing shown display displayed visible unhide reveal", "hide hides hiding hidden invisible conceal"),
        ("start started starts starting launch launched resume resumed run running", "stop stopped stops stopping kill killed halt pause paused terminate terminated"),
        ("accept accepted accepts approve approved", "reject rejected rejects decline declined"),
        ("connect connected connects connecting mount mounted attach attached subscribe subscribed login signin", "disconnect disconnected disconnects disconnecting unmount unmounted detach detached unsubscribe unsubscribed logout signout"),
        ("encrypt encrypted encrypting encryption encode encoding compress compressed compressing zip serialize serializing serialise", "decrypt decrypted decrypting decryption decode decoding decompress decompressed decompressing unzip deserialize deserializing deserialise"),
        ("upload uploaded uploading push pushed pushing export exported exporting send sending sent", "download downloaded downloading pull pulled pulling import imported importing receive receiving received"),
        ("buy buying bought purchase", "sell selling sold"),
        ("public", "private"),
        ("light", "dark"),
        ("win winning won", "lose losing lost"),
        ("safe secure possible legal able likely", "unsafe insecure impossible illegal unable unlikely"),
        ("love loves", "hate hates"),
        ("advantage advantages pro pros benefit benefits upside upsides strength strengths", "disadvantage disadvantages con cons drawback drawbacks downside downsides weakness weaknesses"),
        ("good", "bad"),
        ("healthy", "unhealthy"),
        ("like likes", "dislike dislikes"),
        ("agree agrees", "disagree disagrees"),
        ("sync synchronous synchronously blocking", "async asynchronous asynchronously nonblocking"),
        ("mutable", "immutable"),
        ("case-sensitive sensitive", "case-insensitive insensitive"));

    public string Reason => SemanticReasons.Negation;

    public bool Rejects(GuardText query, GuardText candidate) =>
        CountNegations(query) != CountNegations(candidate) || Groups.Conflict(query, candidate);

    internal static int CountNegations(GuardText text)
    {
        var n = 0;
        foreach (var token in text.Tokens)
        {
            var word = token.Lower;
            if (Negators.Contains(word) || word.EndsWith("n't", StringComparison.Ordinal) || word.EndsWith("n’t", StringComparison.Ordinal))
            {
                n++;
            }
        }

        return n;
    }
}
