using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureMonitor.Pki;

/// <summary>
/// JSON for the PKI's files: unknown properties, missing required values, nulls where none belong,
/// duplicate keys, comments and trailing commas are all errors, reported with the file name.
/// </summary>
internal static class StrictJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        WriteIndented = true,
        // Roles as "watcher", "admin"...; a number is refused, so a typo cannot become another role.
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>Reads and deserializes <paramref name="path"/>; any problem becomes a <see cref="PkiException"/> naming the file.</summary>
    public static T Read<T>(string path)
    {
        var text = ReadFile(path, File.ReadAllText);
        try
        {
            return JsonSerializer.Deserialize<T>(text, Options)
                ?? throw new PkiException($"{path} is malformed: it contains null.");
        }
        catch (JsonException e)
        {
            // JsonException messages name the JSON path and line, never the values, so no key leaks here.
            throw new PkiException($"{path} is malformed: {e.Message}", e);
        }
    }

    /// <summary>Reads a PKI file with <paramref name="read"/>; a missing or unreadable file becomes a
    /// <see cref="PkiException"/> naming it.</summary>
    public static T ReadFile<T>(string path, Func<string, T> read)
    {
        try
        {
            return read(path);
        }
        catch (FileNotFoundException)
        {
            throw new PkiException($"{path} does not exist.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PkiException($"{path} cannot be read: {e.Message}", e);
        }
    }

    public static void Write<T>(string path, T value) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, Options) + "\n");

    /// <summary>For outputs such as <c>pki list --json</c>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
