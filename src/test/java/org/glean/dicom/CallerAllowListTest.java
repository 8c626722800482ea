package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallerAllowListTest {

    @Test
    void matchesAeTitleExactlyAndAddressByLiteralOrCidr() throws Exception {
        CallerAllowList list = CallerAllowList.parse(List.of("PACS@10.1.2.3", " CT1 @ 10.1.20.0/23 ", "*@::1",
                "ANYWHERE"));

        assertThat(list.admits("PACS", ip("10.1.2.3"))).isTrue();
        assertThat(list.admits("PACS ", ip("10.1.2.3"))).isTrue();
        assertThat(list.admits("pacs", ip("10.1.2.3"))).isFalse();
        assertThat(list.admits("PACS", ip("10.1.2.4"))).isFalse();
        assertThat(list.admits("CT1", ip("10.1.21.200"))).isTrue();
        assertThat(list.admits("CT1", ip("10.1.22.1"))).isFalse();
        assertThat(list.admits("WHOEVER", ip("::1"))).isTrue();
        assertThat(list.admits("WHOEVER", ip("127.0.0.1"))).isFalse();
        assertThat(list.admits("ANYWHERE", ip("192.0.2.7"))).isTrue();
        assertThat(list.admits("ANYWHERE", ip("2001:db8::7"))).isTrue();
    }

    @Test
    void anEmptyListAdmitsNobody() throws Exception {
        assertThat(CallerAllowList.parse(List.of()).admits("PACS", ip("127.0.0.1"))).isFalse();
    }

    @Test
    void refusesHostNamesBadPrefixesAndBadTitles() {
        assertThatThrownBy(() -> CallerAllowList.parse(List.of("PACS@pacs.hospital.example")))
                .hasMessageContaining("host names are not accepted");
        assertThatThrownBy(() -> CallerAllowList.parse(List.of("PACS@10.0.0.0/33")))
                .hasMessageContaining("prefix length");
        assertThatThrownBy(() -> CallerAllowList.parse(List.of("A-TITLE-LONGER-THAN-16@10.0.0.1")))
                .hasMessageContaining("AE title");
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }
}
