using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using FluentValidation.Results;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// One rule for every text field of every request: no control characters but tab and line breaks. A NUL or an
/// escape sequence in a title is never what a person meant; stored, it breaks CSV readers, terminals and logs
/// downstream. Checked in the pipeline so that a request added later is covered without anyone remembering to.
/// </summary>
internal static class PlainTextRule
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> TextProperties = new();

    public static IEnumerable<ValidationFailure> Check(object message)
    {
        foreach (var property in TextProperties.GetOrAdd(message.GetType(), FindTextProperties))
        {
            if (property.GetValue(message) is string text && FirstControlCharacter(text) is { } bad)
            {
                yield return new ValidationFailure(
                    property.Name,
                    string.Create(CultureInfo.InvariantCulture,
                        $"{Humanize(property.Name)} contains an invisible control character (such as NUL, U+{(int)bad:X4} here); only tabs and line breaks are allowed. Remove it and send again."));
            }
        }
    }

    /// <summary>
    /// The first character that is a control character other than tab, line feed and carriage return, or one of
    /// Unicode's direction embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): invisible, they make a
    /// title or a CSV cell display in another order than it reads (a "Trojan Source" spoof), and Ukrainian and English
    /// never need them.
    /// </summary>
    public static char? FirstControlCharacter(string text)
    {
        foreach (var c in text)
        {
            if ((char.IsControl(c) && c is not ('\t' or '\n' or '\r')) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                return c;
            }
        }

        return null;
    }

    private static PropertyInfo[] FindTextProperties(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(string) && p.CanRead && p.GetIndexParameters().Length == 0)];

    private static string Humanize(string propertyName) =>
        propertyName.Length == 0 ? propertyName : char.ToUpperInvariant(propertyName[0]) + propertyName[1..];
}
