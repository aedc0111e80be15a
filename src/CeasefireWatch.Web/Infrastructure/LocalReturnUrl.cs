using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Where a form sends a person back to (<c>returnUrl</c>): a page of this app only — <see cref="IUrlHelper.IsLocalUrl"/>
/// refuses <c>//host</c>, <c>/\host</c>, absolute addresses and control characters — and as an address a
/// <c>Location</c> header can carry. That header takes ASCII only, so a local address holding other letters (a search
/// for "Київ" typed into a link, a direction override in a crafted one) is percent-encoded as UTF-8, as a browser
/// sends it, rather than making the redirect fail with a 500.
/// </summary>
public static class LocalReturnUrl
{
    public static string Or(IUrlHelper url, string? returnUrl, string fallback = "/") =>
        url.IsLocalUrl(returnUrl) ? Encode(returnUrl) : fallback;

    /// <summary>Every character outside printable ASCII (space included), percent-encoded as UTF-8; the rest as it was.</summary>
    internal static string Encode(string url)
    {
        if (url.All(c => c is > ' ' and < '\u007f'))
        {
            return url;
        }

        var encoded = new StringBuilder(url.Length + 16);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.Value is > ' ' and < 0x7f)
            {
                encoded.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(bytes);
            foreach (var b in bytes[..length])
            {
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }
}
