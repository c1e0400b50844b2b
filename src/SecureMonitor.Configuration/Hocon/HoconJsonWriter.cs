using System.Text;
using System.Text.Json;

namespace SecureMonitor.Configuration.Hocon;

/// <summary>Renders a resolved tree as JSON, optionally replacing chosen leaves by "&lt;redacted&gt;".</summary>
internal static class HoconJsonWriter
{
    public const string Redacted = "<redacted>";

    public static string Write(HoconValue value, bool indented, Func<HoconLeaf, bool>? redact)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteValue(writer, value, [], redact);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteValue(Utf8JsonWriter writer, HoconValue value, List<string> segments, Func<HoconLeaf, bool>? redact)
    {
        switch (value)
        {
            case HoconObject obj:
                writer.WriteStartObject();
                foreach (var (key, child) in obj.Fields)
                {
                    writer.WritePropertyName(key);
                    segments.Add(key);
                    WriteValue(writer, child, segments, redact);
                    segments.RemoveAt(segments.Count - 1);
                }

                writer.WriteEndObject();
                break;
            case HoconArray array:
                writer.WriteStartArray();
                for (var i = 0; i < array.Count; i++)
                {
                    segments.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    WriteValue(writer, array[i], segments, redact);
                    segments.RemoveAt(segments.Count - 1);
                }

                writer.WriteEndArray();
                break;
            case HoconScalar scalar when redact is not null && redact(new HoconLeaf(segments.ToArray(), scalar)):
                writer.WriteStringValue(Redacted);
                break;
            case HoconScalar { Kind: HoconValueKind.String } scalar:
                writer.WriteStringValue(scalar.Text);
                break;
            case HoconScalar { Kind: HoconValueKind.Number or HoconValueKind.Boolean } scalar:
                writer.WriteRawValue(scalar.Text!);
                break;
            case HoconScalar:
                writer.WriteNullValue();
                break;
            default:
                throw new InvalidOperationException("only resolved values can be rendered");
        }
    }
}
