using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Reading the contract's texts strictly: a name is exactly one of the enum's names (case aside),
/// never a number, a "+1" or a comma-separated list of flags; an instant is ISO 8601 with an offset.
/// </summary>
public static partial class ContractText
{
    public static bool TryParseName<T>(string? text, out T value)
        where T : struct, Enum
    {
        var trimmed = text?.Trim();
        foreach (var name in Enum.GetNames<T>())
        {
            if (string.Equals(name, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                value = Enum.Parse<T>(name);
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>An ISO 8601 time with an explicit offset (<c>Z</c> or <c>±hh:mm</c>); a bare local time is refused.</summary>
    public static bool TryParseInstant(string? text, out DateTimeOffset instant)
    {
        instant = default;
        return text is not null
            && InstantWithOffset().IsMatch(text.Trim())
            && DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }

    public const string InstantExample = "2026-02-04T06:00:00Z";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex InstantWithOffset();
}

/// <summary>
/// A JSON value the contract's converters refuse, with what they take ("one of: Minor, Serious, Major"), so the 400 can
/// say it for whichever field it was.
/// </summary>
internal sealed class ContractValueException(string expected) : JsonException($"Expected {expected}.")
{
    public string Expected { get; } = expected;
}

/// <summary>Enums travel as their exact names (CONTRACT.md); anything else is a 400 naming the field.</summary>
internal sealed class ContractEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(ContractEnumConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class ContractEnumConverter<T> : JsonConverter<T>
        where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && ContractText.TryParseName<T>(reader.GetString(), out var value)
                ? value
                : throw new ContractValueException($"one of: {string.Join(", ", Enum.GetNames<T>())}");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Read(ref reader, typeToConvert, options);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WritePropertyName(value.ToString());
    }
}

/// <summary>Reads times only with an explicit offset: a bare time could be any of several instants. Writes UTC.</summary>
internal sealed class OffsetRequiredDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && ContractText.TryParseInstant(reader.GetString(), out var value)
            ? value
            : throw new ContractValueException($"an ISO 8601 time with an offset, such as {ContractText.InstantExample}");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime);
}
