using System.Text;
using System.Text.Json;

namespace SecureMonitor.Pki;

/// <summary>psk.json (0600): <c>{ "hostId": "web-01", "keyId": 3, "key": "&lt;base64, 32 bytes&gt;" }</c>.</summary>
internal static class PskFile
{
    public static PreSharedKey Load(string path)
    {
        PrivateFiles.RequireOwnerOnly(path);
        var document = Read(path);
        if (!IdentityName.IsValid(document.HostId))
            throw new PkiException($"{path}: '{IdentityName.Printable(document.HostId)}' is not a valid lower-case host id.");
        if (document.KeyId == 0) throw new PkiException($"{path}: key ids start at 1.");
        var bytes = new byte[KeyringKey.KeyLength + 3];
        if (!Convert.TryFromBase64String(document.Key, bytes, out var written) || written != KeyringKey.KeyLength)
            throw new PkiException($"{path}: 'key' is not base64 of exactly {KeyringKey.KeyLength} bytes.");
        return new PreSharedKey(document.HostId, document.KeyId, bytes.AsSpan(0, written));
    }

    public static void Save(string path, PreSharedKey psk) =>
        StrictJson.Write(path, new PskDocument(psk.HostId, psk.KeyId, Convert.ToBase64String(psk.Key)));

    /// <summary>
    /// Reads the three properties with <see cref="Utf8JsonReader"/>, as strictly as <see cref="StrictJson"/>
    /// (unknown, missing, duplicate or null properties, comments, trailing commas and trailing data are
    /// errors naming the file, never the values). Not through the reflection-based serializer: every
    /// watcher loads this file at start, and the serializer's machinery (reflection emit, encoders,
    /// converters and the code jitted for them) stayed resident in the agent for good (README, "Footprint").
    /// </summary>
    internal static PskDocument Read(string path)
    {
        ReadOnlySpan<byte> json = StrictJson.ReadFile(path, File.ReadAllBytes);
        if (json.StartsWith(Encoding.UTF8.Preamble))
        {
            json = json[Encoding.UTF8.Preamble.Length..]; // as File.ReadAllText does for StrictJson
        }

        string? hostId = null, key = null;
        uint? keyId = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false, MaxDepth = 2 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw Malformed(path, "expected a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "hostId" when hostId is null:
                        hostId = String(ref reader, path, name);
                        break;
                    case "key" when key is null:
                        key = String(ref reader, path, name);
                        break;
                    case "keyId" when keyId is null:
                        keyId = reader.TokenType == JsonTokenType.Number && reader.TryGetUInt32(out var number)
                            ? number
                            : throw Malformed(path, "'keyId' must be a whole number from 0 to 4294967295");
                        break;
                    case "hostId" or "key" or "keyId":
                        throw Malformed(path, $"'{name}' appears twice");
                    default:
                        throw Malformed(path, $"unknown property '{IdentityName.Printable(name)}'");
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject)
                throw Malformed(path, "expected a property name or the end of the object");
            if (reader.Read())
                throw Malformed(path, "data after the object");
        }
        catch (JsonException e)
        {
            // Utf8JsonReader messages name the position and the expected token, never the values.
            throw new PkiException($"{path} is malformed: {e.Message}", e);
        }
        if (hostId is null || keyId is null || key is null)
            throw Malformed(path, "'hostId', 'keyId' and 'key' are all required");
        return new PskDocument(hostId, keyId.Value, key);
    }

    private static string String(ref Utf8JsonReader reader, string path, string name) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Malformed(path, $"'{name}' must be a string");

    private static PkiException Malformed(string path, string problem) => new($"{path} is malformed: {problem}.");
}

internal sealed record PskDocument(string HostId, uint KeyId, string Key)
{
    public override string ToString() => $"PskDocument {{ HostId = {HostId}, KeyId = {KeyId} }}";
}
